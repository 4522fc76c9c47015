"""Integrations: training frameworks and experiment trackers, one module each.

Each module imports its framework only when one of its functions (or classes) is first used, so
neither ``import confmat`` nor ``import confmat.integrations`` loads any of them, and none is a
required dependency (install the extras: ``pip install "confmat[lightning]"``, ``[huggingface]``,
``[ignite]``, ``[tensorboard]``, ``[mlflow]``, ``[wandb]``, or ``[integrations]`` for all).

- :mod:`~confmat.integrations.tensorboard`, :mod:`~confmat.integrations.mlflow`,
  :mod:`~confmat.integrations.wandb`: ``log(cm, writer_or_run, step=...)`` puts a matrix's
  statistics, cells, heatmap and report where the tracker compares them across steps and runs.
- :mod:`~confmat.integrations.lightning`: ``ConfusionMatrixCallback``, exact under DDP.
- :mod:`~confmat.integrations.huggingface`: ``ComputeMetrics`` for ``Trainer`` and
  ``update`` for an Accelerate loop.
- :mod:`~confmat.integrations.ignite`: ``ConfusionMatrixMetric``, an Ignite ``Metric``.
"""

__all__ = ["huggingface", "ignite", "lightning", "mlflow", "tensorboard", "wandb"]
