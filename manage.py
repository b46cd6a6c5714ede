#!/usr/bin/env python
"""Django's command-line utility; `ensemble` (installed by pip) is the same thing."""

from ensemble.__main__ import main

if __name__ == "__main__":
    main()
