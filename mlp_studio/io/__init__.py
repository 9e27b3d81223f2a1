"""File formats: CSV, project files, other tools' formats, worked-example export."""
