"""Inputs -> class codes -> counts: the checks, the rules of classes and scores, kernels, stores."""
