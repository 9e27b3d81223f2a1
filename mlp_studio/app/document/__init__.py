"""The open project as one document: network, dataset, scaler, training settings, step
position and the optimiser state carried between steps, with its undo commands.

Imports core and io only; every other app package derives its views from this one."""
