"""NumPy-only maths: networks, backpropagation, training, scaling. No Qt, no files."""
