"""The web dashboard's built files (static/), made by `make web` from the sources in web/.

The build output is committed so that `pip install` users get the dashboard without npm;
the API serves static/index.html at `/` and the rest of the folder beside it.
"""
