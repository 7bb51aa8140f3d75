"""Generative models: GANs (with a judge that scores their samples) and VAEs / autoencoders.

Import from the submodules (`gan_config`, `vae_config` and `images` are torch-free; `run` holds GanRun and
`vae_run` VaeRun): this package imports nothing itself, so the app can build its tabs without loading torch.
"""
