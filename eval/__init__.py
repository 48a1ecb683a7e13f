"""sheetqa eval: synthetic sheets with known answers, and the graders that measure the product.

``python -m eval corpus`` writes (or checks) a synthetic koriyama-r7 corpus; later subcommands
(``run``, ``bench``, ``compare``) measure answers and speed. Nothing here is imported by the
product: ``eval`` drives ``ingest`` and ``assistant`` from the outside.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
