"""A look inside a trained network: hidden neurons over the plane, CNN feature maps, RNN states and gates,
weight and gradient histograms. Plain functions: model and input in, numpy arrays out (figures: plots/inside.py)."""
