import os
import sys

# The hardening helpers beside the tests (irmutate.py, irfuzz.py) import by plain name.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
