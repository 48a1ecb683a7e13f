"""The ``sheetqa`` command (:mod:`sheetqa.cli`) and how every command runs (:mod:`sheetqa.runner`)."""
