"""Predictions written by hand, for testing the adapters' scoring on real Event objects."""


def given(events, key=lambda article: article.text):
    """A `predict(articles)` that gives each article the events listed under its key."""
    def predict(articles):
        for article in articles:
            article.events = events.get(key(article), [])
            yield article
    return predict
