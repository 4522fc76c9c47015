"""The Accumulators: counting batch by batch on any device, exact under torch.distributed."""
