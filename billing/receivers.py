"""Cost sharing's hooks on the titres engine, connected in `BillingConfig.ready`."""

from billing.services.runs import runs_lock_of_titres


def lock_runs_of_issued_titres(sender, *, titres, **kwargs) -> None:
    """Titres issued from a run bill it: the run is kept as it is, its year's grid frozen."""
    runs_lock_of_titres(titres=titres)
