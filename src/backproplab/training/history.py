"""History: what a training run measured, epoch by epoch."""

from dataclasses import asdict, dataclass, field


@dataclass
class History:
    """Per-epoch metrics of one run, plus how and why it ended.

    ``loss`` and ``accuracy`` are averaged over the epoch's batches (computed
    on each batch before its update); ``val_*`` are measured after the epoch,
    when validation data was given. ``seconds`` is the cumulative wall time.
    """

    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    stop_reason: str = "completed"
    diverged: bool = False
    message: str = ""
    best_epoch: int | None = None  # the epoch whose weights the model kept (early stopping)

    @property
    def epochs(self):
        return len(self.epoch)

    def last(self, key):
        values = getattr(self, key)
        return values[-1] if values else None

    def as_dict(self):
        return asdict(self)
