"""Exercise checks, one module per notebook; each check calls gan_lab.exercise.self_check."""
