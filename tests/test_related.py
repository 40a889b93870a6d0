"""Related posts: other posts sharing a category, published in that language, newest first."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from i18n.model import PostInfo
from i18n.pages import RELATED_POSTS, Model, _related

CATEGORIES = ["Tesla", "AI", "料理", "旅行", "Tesla AI"]


class _Urls:
    def href(self, path: str) -> str:
        return path


def _model(posts: list[tuple[list[str], bool]]) -> Model:
    when = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    infos = [PostInfo(name=f"p{i}", path=f"content/_posts/p{i}.md", slug=f"p{i}", date=when, modified=when,
                      categories=tuple(categories), tags=(), author="", read_time=False, share=False, related=True)
             for i, (categories, _) in enumerate(posts)]
    versions = {(f"p{i}", "ko"): SimpleNamespace(published=published, path=f"/ko/p{i}/", title=f"P{i}")
                for i, (_, published) in enumerate(posts)}
    return Model(config=None, urls=_Urls(), posts=infos, versions=versions,  # type: ignore[arg-type]
                 languages={}, locales=())


def _expected(model: Model, info: PostInfo) -> list[dict[str, str]]:
    """The definition, post by post."""
    out = []
    for other in model.posts:
        ov = model.versions[(other.name, "ko")]
        if other.name != info.name and set(other.categories) & set(info.categories) and ov.published:
            out.append({"href": ov.path, "title": ov.title})
    return out[:RELATED_POSTS]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(CATEGORIES), max_size=4), st.booleans()), max_size=25))
def test_related_posts_are_the_first_published_others_sharing_a_category(posts: list[tuple[list[str], bool]]) -> None:
    model = _model(posts)
    locale = SimpleNamespace(code="ko")
    for info in model.posts:
        assert _related(model, info, locale) == _expected(model, info)  # type: ignore[arg-type]


def test_a_post_in_two_shared_categories_is_related_once() -> None:
    model = _model([(["Tesla", "AI"], True), (["AI", "Tesla"], True), (["AI"], False), (["Tesla"], True)])
    related = _related(model, model.posts[0], SimpleNamespace(code="ko"))  # type: ignore[arg-type]
    assert related == [{"href": "/ko/p1/", "title": "P1"}, {"href": "/ko/p3/", "title": "P3"}]
