"""The persuasion-technique tagger's training, part by part: what the command
`python -m newsprism.training.techniques` (training/techniques.py) runs."""
