"""sheetqa ingest: read 事務事業評価 sheets into canonical records and index them."""

import os

# Nothing may reach a model hub or phone home: staff networks are often closed.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
