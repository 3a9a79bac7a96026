import os
import sys

# The hardening helpers beside the tests (the irmutate package, irfuzz.py) import by plain name.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
