import os
import sys

# The fuzz helpers beside the tests (graphgen.py, graphdraws.py, randomgraph.py, graphchecks.py)
# import by plain name.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
