"""What the titres engine tells the apps above it: they hook in, the engine knows none of them."""

from django.dispatch import Signal

#: Sent inside the issuing transaction, once the titres are numbered and written, with `titres`
#: (the issued RevenueTitle list). Sent with `send`, not `send_robust`: a receiver that raises
#: rolls the issue back, so what it writes commits with the titres or not at all.
titres_issued = Signal()
