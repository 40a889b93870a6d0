"""Deterministic benchmark corpus: N Japanese posts with complete ko/en catalogs.

``python bench/corpus.py OUT --posts 1000 [--seed 0] [--partial]`` writes three folders:

* ``OUT/site/``: a site for ``build.py`` (``site.toml``, ``content/_posts``,
  ``content/_includes``, ``locales/``), its catalogs made by the project's own
  ``extract`` and ``update``, then filled with a pseudo-translation;
* ``OUT/markdown/<lang>/<post>.md``: the same posts as per-language Markdown
  (Liquid already expanded), the input of ``bench/floor.py``;
* ``OUT/hugo/``: a multilingual Hugo site of the same per-language pages.

Posts are modeled on the example post (front matter, headings, bold, links
with ``{:target="_blank"}``, a YouTube include, Q/A paragraphs, a list, a
quote), about 5 KB each.  Everything comes from seeded ``random.Random``
instances and hashes: the same arguments give byte-identical files (no wall
clock: ``SOURCE_DATE_EPOCH`` is fixed for the catalogs).

The pseudo-translation maps Japanese characters to Hangul syllables (ko) or
English-looking words (en) and keeps Liquid tags, ``{:...}`` attribute lists,
inline code, link URLs, HTML tags and ``%(name)d`` placeholders identical, so
``build.py check`` passes.  ``--partial`` leaves about 15% of the Korean
entries empty and 5% fuzzy (decided per message, the same in the catalogs and
in the Markdown export).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE_DATE_EPOCH = "1700000000"
"""Fixed catalog dates: generation never reads the clock."""
LANGS = ("ja", "ko", "en")
TARGETS = ("ko", "en")
EMPTY_SHARE = 0.15
FUZZY_SHARE = 0.05
BODY_BYTES = 4600
"""Body size to reach; with the front matter a post is about 5 KB."""

CATEGORIES = ["Tesla", "自動運転(FSD)", "SpaceX", "バッテリー", "エネルギー", "AI", "決算", "モデルY"]
TOPICS = ["tesla-ai", "fsd-beta", "dojo", "battery-day", "gigafactory", "model-y", "cybertruck",
          "starship", "earnings", "optimus", "supercharger", "megapack"]
NAMES = [("Jim Keller", "ジム・ケラー"), ("Elon Musk", "イーロン・マスク"),
         ("Andrej Karpathy", "アンドレイ・カルパシー"), ("Lex Fridman", "レックス・フリードマン"),
         ("Drew Baglino", "ドリュー・バグリーノ")]
SPEAKERS = ["Lex", "Jim Keller", "Elon", "インタビュアー", "Andrej"]
HEADINGS = [
    "{name}さんのInterview：TeslaのAI技術について", "{topic}の最新情報まとめ", "{name}が語る自動運転の未来",
    "TeslaのAI Dayで発表された{topic}", "{topic}について考える", "決算発表から見える{topic}の行方",
]
SUBHEADINGS = ["ポイントのまとめ", "今回の要点", "注目すべき点", "今後の課題", "感想"]
SENTENCES = [
    "全体は結構長めのインタービューで、様々な内容が含まれています。",
    "その中でTeslaの自動運転に対してコメントが特に面白かったので紹介します。",
    "テスラがDojoに注ぐ努力についてどう思いますか？",
    "テスラ全体より大きくなることもあり得そうです。",
    "これはあなたのTenstorrentとも似ています。",
    "最初から独自のニューラルネットワークのトレーニングのハードウェアを構築しようとしています。",
    "まず、この試みが素晴らしいと思います。",
    "私たちは多くの実験を必要としています。",
    "多くの企業がディープラーニングに飛び込んであり、それぞれの目標を追求しています。",
    "Dojoを起動したとき、私もテスラにありました。",
    "これは非常に大規模ディープランニングトレーニングの問題を解決するためのコンピュータソリューションでした。",
    "私たちは、{n}キロワットも消費するボードを冷却しなければなりませんでした。",
    "しかし、SpaceXのメンバーに聞いてみると、彼らにとって{n}キロワットは大きな数字ではないそうです。",
    "Dojoを作業している優れた技術者がいますが、果たしてどのような結果を出すか楽しみです。",
    "冷却装置も大きな問題ですね。",
    "表面上は見栄えの良い選択肢があっても、現在の作業よりもはるかに優れてなければ、その案を採用しません。",
    "テスラの自動運転のハードウェアは、「一つの」ソフトウェアスタックのみを提供します。",
    "ハードウェアチームとソフトウェアのチームが緊密に繋がっています。",
    "{n}年前にはビジョンのAIと言語のAIは全く別の分野でした。",
    "最近では、これらが一つのセットのネットワークで処理できるように収束します。",
    "データの大きさと出力によって色々ありますが、この技術は、非常によく収束できました。",
    "GPT-3以降、このようなトランスフォーマは、視覚データに適用することができます。",
    "文字通り、文字をピクセル単位で交換するのと同じです。",
    "データ量がディープランニングをより向上させるのです。",
    "データが多ければ多いほど、より良い結果を得ることができます。",
    "本当にエキサイティングな話です。",
    "バッテリーのコストは{n}年で半分になると予想されています。",
    "ギガファクトリーの生産能力は毎年{n}割ずつ増えています。",
    "新しい`FSD v{n}`では、カメラの映像だけで判断します。",
    "スーパーチャージャーのネットワークは世界中に広がっています。",
    "モデルYは{n}00台以上が納車されました。",
    "ソフトウェアのアップデートで車が毎月良くなっていきます。",
    "ロボタクシーが実現すれば、交通のあり方が大きく変わるでしょう。",
    "エンジニアにとって、これほど面白い時代はありません。",
    "この点については、まだ議論の余地があると思います。",
    "詳しくは公式の発表を確認してください。",
    "ニューラルネットワークの学習には膨大な演算が必要です。",
    "ハードウェアの設計は、ソフトウェアの要求から始まります。",
    "`HW{n}.0`の性能は前の世代の数倍だそうです。",
    "今後も引き続き注目していきたいと思います。",
]
_WORD_TEXT = ("the of and to in is that for it as was with on are this be by at from or have an they which one "
         "had not but all were when there can more their if will each about how up out them then she many "
         "some so these would other into has her two like him see time could no make than first been its who "
         "now people made over did down only way find use may water long little very after words called just "
         "where most know get through back much before go good new write our used me man too any day same "
         "right look think also around another came come work three word must because does part even place "
         "well such here take why things help put years different away again off went old number great tell "
         "men say small every found still between name should home big give air line set own under read last "
         "never us left end along while might next sound below saw something thought both few those always "
         "looked show large often together asked house world going want school important until form food keep "
         "children feet land side without boy once animals life enough took sometimes four head above kind "
         "began almost live page got earth need far hand high year mother light parts country father let night "
         "following picture being study second eyes soon times story boys since white days ever paper hard near "
         "sentence better best across during today others however sure means knew try told young miles sun "
         "ways thing whole hear example heard several change answer room sea against top turned learn point "
         "city play toward five using himself usually")
WORDS = tuple(_WORD_TEXT.split())

_PROTECTED = re.compile(
    r"\{%.*?%\}|\{\{.*?\}\}|\{:[^{}]*\}|(`+).+?\1|\]\([^)]*\)|</?[A-Za-z][^>]*>|%\(\w+\)[a-z]|https?://\S+"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆ー]+")
_PUNCT = str.maketrans({"。": ".", "、": ",", "：": ":", "（": "(", "）": ")", "「": "‘", "」": "’",
                        "？": "?", "！": "!", "・": "·", "　": " "})
_PUNCT_SPACE = re.compile(r"([。、？！：])(?=[^\s。、？！：）」*\]`])")
"""Japanese punctuation needs no space after it; the translation does (not before closing marks)."""
_LIQUID_INCLUDE = re.compile(r'\{% include youtubePlayer\.html id="([^"?]+)(?:\?start=(\d+))?" %\}')
_IAL = re.compile(r"\{:[^{}]*\}")


def fraction(*key: object) -> float:
    """A deterministic number in [0, 1) for ``key`` (no process-seeded hash)."""
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _hangul(run: str) -> str:
    return "".join(chr(0xAC00 + (ord(ch) * 2654435761 >> 5) % 11172) for ch in run)


def _english(run: str) -> str:
    count = max(1, round(len(run) / 2))
    seed = int.from_bytes(hashlib.blake2b(run.encode("utf-8"), digest_size=4).digest(), "big")
    return " ".join(WORDS[(seed + i * 7919) % len(WORDS)] for i in range(count))


def _space_before(before: str) -> bool:
    """Whether English words following ``before`` need a space (after a closing ``**`` too)."""
    if before.endswith("*"):
        opening = before.rstrip("*")
        return bool(opening) and not opening[-1].isspace() and opening.count("**") % 2 == 1
    return bool(before) and (before[-1].isalnum() or before[-1] in ",:;?!)}’`")


def _translate_plain(text: str, lang: str, before: str = "", after: str = "") -> str:
    """Translate unprotected text; ``before``/``after`` are the output around it, for spacing."""
    text = _PUNCT_SPACE.sub(r"\1 ", text).translate(_PUNCT)
    if lang == "ko":
        return _CJK.sub(lambda m: _hangul(m.group(0)), text)
    out: list[str] = []
    last = 0
    for m in _CJK.finditer(text):
        out.append(text[last:m.start()])
        words = _english(m.group(0))
        if _space_before(before + "".join(out)):
            words = " " + words
        nxt = (text[m.end():] + after)[:1]
        if nxt.isalnum() or nxt in "([‘`":
            words += " "
        out.append(words)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def pseudo_translate(msgid: str, lang: str) -> str:
    """Translate ``msgid`` into pseudo-``lang``, keeping every protected span identical."""
    out: list[str] = []
    last = 0
    for m in _PROTECTED.finditer(msgid):
        out.append(_translate_plain(msgid[last:m.start()], lang, "".join(out)[-40:], m.group(0)))
        out.append(m.group(0))
        last = m.end()
    out.append(_translate_plain(msgid[last:], lang, "".join(out)[-40:]))
    text = "".join(out)
    text = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return text or msgid


def entry_state(post: str, msgid: str, lang: str, partial: bool) -> str:
    """``translated``, ``empty`` or ``fuzzy``: the same decision for catalogs and export."""
    if not partial or lang != "ko":
        return "translated"
    x = fraction(post, msgid, lang)
    return "empty" if x < EMPTY_SHARE else "fuzzy" if x < EMPTY_SHARE + FUZZY_SHARE else "translated"


@dataclass(frozen=True)
class Block:
    """One Markdown block: a message with its prefix, or a verbatim line."""

    prefix: str
    text: str
    message: bool = True

    def render(self, lang: str, post: str, partial: bool) -> str:
        if not self.message or lang == "ja" or entry_state(post, self.text, lang, partial) != "translated":
            return self.prefix + self.text
        return self.prefix + pseudo_translate(self.text, lang)


@dataclass(frozen=True)
class PostSpec:
    """A generated post: file name, front matter values and blocks."""

    name: str
    date: dt.date
    slug: str
    title: str
    description: str
    keywords: str
    categories: list[str]
    video: tuple[str, int]
    groups: list[list[Block]]
    """Blocks separated by blank lines; list items share a group."""


def _sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES).format(n=rng.randint(2, 12))


def _paragraph(rng: random.Random, lo: int = 2, hi: int = 5) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(lo, hi)))


def _video_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(11))


def make_post(index: int, seed: int) -> PostSpec:
    """The ``index``-th post of the corpus (one RNG per post: posts do not depend on each other)."""
    rng = random.Random(f"blogl10n-bench:{seed}:{index}")
    date = dt.date(2016, 1, 1) + dt.timedelta(days=index)
    topic = TOPICS[index % len(TOPICS)]
    slug = f"{topic}-{index:05d}"
    latin, kana = rng.choice(NAMES)
    heading = rng.choice(HEADINGS).format(name=latin, topic=topic.replace("-", " ").title())
    video = (_video_id(rng), rng.randint(0, 5000))
    groups: list[list[Block]] = [
        [Block("## ", heading)],
        [Block("", f"[{latin}](https://ja.wikipedia.org/wiki/{kana}){{:target=\"_blank\"}}という"
                   f"伝説的なエンジニアがいる。{_sentence(rng)}"
                   f"特にTeslaでは、**HW{rng.randint(2, 5)}.0**を開発しました。")],
        [Block("", _paragraph(rng))],
        [Block("", f'{{% include youtubePlayer.html id="{video[0]}?start={video[1]}" %}}', message=False)],
        [Block("", "**下記は重要な内容を抜粋しました。**")],
    ]
    for _ in range(rng.randint(2, 3)):
        asker, answerer = rng.sample(SPEAKERS, 2)
        groups.append([Block("", f"Q（{asker}）：{_paragraph(rng, 1, 3)}")])
        groups.append([Block("", f"A（{answerer}）：{_paragraph(rng, 3, 6)}")])
    groups.append([Block("### ", rng.choice(SUBHEADINGS))])
    groups.append([Block("- ", _sentence(rng)) for _ in range(rng.randint(3, 5))])
    groups.append([Block("> ", _paragraph(rng, 1, 2))])
    size = sum(len((b.prefix + b.text).encode()) + 2 for g in groups for b in g)
    while size < BODY_BYTES:
        text = _paragraph(rng)
        groups.append([Block("", text)])
        size += len(text.encode()) + 2
    title = heading.split("：")[-1] if "：" in heading else heading
    return PostSpec(
        name=f"{date.isoformat()}-{slug}", date=date, slug=slug, title=title,
        description=_sentence(rng), keywords=f"Tesla,{topic},テスラ",
        categories=rng.sample(CATEGORIES, rng.randint(1, 2)), video=video, groups=groups,
    )


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def post_source(spec: PostSpec) -> str:
    """The Jekyll post as an author writes it."""
    modified = spec.date + dt.timedelta(days=3)
    cats = "".join(f"\n - {c}" for c in spec.categories)
    front = (
        f"---\ntitle: {spec.title}\nlayout: single\nauthor_profile: true\nread_time: true\ncomments: true\n"
        f"share: true\nrelated: true\npopular: true\ncategories:{cats}\n#toc: true\n"
        f"description: {_yaml_str(spec.description)}\narticle_tag1: AI\nmeta_keywords: {spec.keywords}\n"
        f"last_modified_at: {modified.isoformat()}T00:00:00+09:00\n---\n\n"
    )
    body = "\n\n".join("\n".join(b.prefix + b.text for b in g) for g in spec.groups)
    return front + body + "\n"


def include_html(video: str, start: int) -> str:
    """What the example ``youtubePlayer.html`` include renders (for the Liquid-free export)."""
    return (f'<figure class="video-embed"><div class="video-embed__frame"><iframe '
            f'src="https://www.youtube-nocookie.com/embed/{video}?start={start}" title="YouTube video player" '
            f'loading="lazy" allow="accelerometer; encrypted-media; gyroscope; picture-in-picture; web-share" '
            f'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe></div><figcaption>'
            f'<a href="https://www.youtube.com/watch?v={video}&amp;t={start}s">Watch on YouTube</a>'
            f"</figcaption></figure>")


def localized_markdown(spec: PostSpec, lang: str, partial: bool) -> tuple[str, str, str]:
    """(title, description, body) of ``spec`` in ``lang``, Liquid expanded."""
    parts = []
    for group in spec.groups:
        lines = [b.render(lang, spec.name, partial) for b in group]
        parts.append("\n".join(_LIQUID_INCLUDE.sub(lambda m: include_html(m.group(1), int(m.group(2) or 0)), line)
                               for line in lines))

    def meta(text: str) -> str:
        return Block("", text).render(lang, spec.name, partial)

    return meta(spec.title), meta(spec.description), "\n\n".join(parts) + "\n"


def _export_front(spec: PostSpec, title: str, description: str, lang: str) -> str:
    cats = ", ".join(_yaml_str(c) for c in spec.categories)
    return (f"---\ntitle: {_yaml_str(title)}\ndate: {spec.date.isoformat()}\nslug: {spec.slug}\n"
            f"description: {_yaml_str(description)}\ncategories: [{cats}]\nlang: {lang}\n---\n\n")


def write_sources(out: Path, specs: list[PostSpec], partial: bool) -> None:
    """The site's posts and the per-language Markdown for the floor and Hugo."""
    site = out / "site"
    (site / "content" / "_posts").mkdir(parents=True, exist_ok=True)
    (site / "content" / "_includes").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "content" / "_includes" / "youtubePlayer.html", site / "content" / "_includes")
    (site / "site.toml").write_text((REPO / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    for lang in LANGS:
        (out / "markdown" / lang).mkdir(parents=True, exist_ok=True)
        (out / "hugo" / "content" / lang / "posts").mkdir(parents=True, exist_ok=True)
    for spec in specs:
        (site / "content" / "_posts" / f"{spec.name}.md").write_text(post_source(spec), encoding="utf-8")
        for lang in LANGS:
            title, description, body = localized_markdown(spec, lang, partial)
            front = _export_front(spec, title, description, lang)
            (out / "markdown" / lang / f"{spec.name}.md").write_text(front + body, encoding="utf-8")
            # Goldmark has no inline attribute lists: it would print them as text.
            (out / "hugo" / "content" / lang / "posts" / f"{spec.name}.md").write_text(
                front + _IAL.sub("", body), encoding="utf-8")
    write_hugo_site(out / "hugo")


HUGO_CONFIG = """\
baseURL = "https://tesla-news.example.org/"
title = "テスラ・ニュース"
defaultContentLanguage = "ja"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "rss"]
enableRobotsTXT = true

[pagination]
pagerSize = 10

[permalinks]
posts = "/:year/:month/:day/:slug/"

[markup.goldmark.renderer]
unsafe = true

[related]
includeNewer = true
threshold = 1
toLower = false
[[related.indices]]
name = "categories"
weight = 100

[languages.ja]
languageName = "日本語"
weight = 1
contentDir = "content/ja"
[languages.ko]
languageName = "한국어"
weight = 2
contentDir = "content/ko"
[languages.en]
languageName = "English"
weight = 3
contentDir = "content/en"
"""

HUGO_HEAD = """\
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title>
<meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">
{{- .Language.LanguageName }}</a> {{ end }}</nav>
</header>
"""

HUGO_SINGLE = HUGO_HEAD + """\
<main><article lang="{{ site.Language.Lang }}">
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time> · {{ .ReadingTime }} min</p>
<ul>{{ range .Params.categories }}<li>{{ . }}</li>{{ end }}</ul>
<div class="post-content">
{{ .Content }}
</div>
<section><h2>Related posts</h2><ul>
{{ range first 3 (site.RegularPages.Related .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></section>
</article></main>
</body>
</html>
"""

HUGO_LIST = HUGO_HEAD + """\
<main><h1>Latest posts</h1>
{{ $pager := .Paginate site.RegularPages }}
<ul>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
<p>{{ .Description }}</p></li>
{{ end }}</ul>
<nav>{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer posts</a>{{ end }}
<span>{{ $pager.PageNumber }} / {{ $pager.TotalPages }}</span>
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older posts</a>{{ end }}</nav>
</main>
</body>
</html>
"""


def write_hugo_site(hugo: Path) -> None:
    """Configuration and minimal layouts of the comparison Hugo site."""
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    static = hugo / "static" / "assets"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "i18n" / "theme" / "static" / "style.css", static)


def _cli(site: Path, *args: str, build: Path = REPO / "build.py") -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    done = subprocess.run([sys.executable, str(build), "-C", str(site), *args],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def _example_site_catalog(lang: str) -> dict[tuple[object, str | None], object]:
    """Real UI translations of the example site, reused for site.po."""
    from babel.messages.pofile import read_po

    path = REPO / "locales" / lang / "LC_MESSAGES" / "site.po"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=lang)
    return {(e.id, e.context): e.string for e in cat if e.id and e.string and not e.fuzzy}


def _fill_one(job: tuple[str, str, bool]) -> None:
    """Fill every msgstr of one PO file (a worker of :func:`fill_catalogs`)."""
    from babel.messages.pofile import read_po, write_po

    path_s, lang, partial = job
    path = Path(path_s)
    with path.open("rb") as f:
        cat = read_po(f, locale=lang)
    known = _example_site_catalog(lang) if path.stem == "site" else {}
    for entry in cat:
        if not entry.id:
            continue
        if (entry.id, entry.context) in known:
            entry.string = known[(entry.id, entry.context)]
        elif lang not in TARGETS:  # the source language's site.po: terms as they are
            entry.string = tuple(entry.id[min(i, 1)] for i in range(cat.num_plurals)) \
                if isinstance(entry.id, tuple) else entry.id
        elif isinstance(entry.id, tuple):
            forms = [pseudo_translate(entry.id[min(i, 1)], lang) for i in range(cat.num_plurals)]
            entry.string = tuple(forms)
        else:
            state = "translated" if path.stem == "site" else entry_state(path.stem, entry.id, lang, partial)
            entry.string = "" if state == "empty" else pseudo_translate(entry.id, lang)
            if state == "fuzzy":
                entry.flags.add("fuzzy")
    with path.open("wb") as f:
        write_po(f, cat, width=76, sort_output=False, sort_by_file=False)


def fill_catalogs(site: Path, partial: bool, jobs: int) -> int:
    """Pseudo-translate every catalog in place (post catalogs, and site.po of every language).

    Returns the number of files.
    """
    work = [(str(p), p.parent.parent.name, partial) for p in sorted((site / "locales").glob("*/LC_MESSAGES/*.po"))]
    with Pool(jobs) as pool:
        pool.map(_fill_one, work, chunksize=16)
    return len(work)


def generate(out: Path, posts: int, seed: int = 0, partial: bool = False, jobs: int = 2,
             log: bool = True, build: Path = REPO / "build.py") -> Path:
    """Write the corpus under ``out``; returns the site folder (``out/site``).

    ``build`` is the ``build.py`` whose ``extract`` and ``update`` make the catalogs.
    """
    started = time.perf_counter()

    def say(what: str) -> None:
        if log:
            print(f"  corpus: {what} ({time.perf_counter() - started:.1f}s)", file=sys.stderr, flush=True)

    if out.exists():
        shutil.rmtree(out)
    specs = [make_post(i, seed) for i in range(posts)]
    write_sources(out, specs, partial)
    say(f"{posts} posts, per-language Markdown and Hugo site written")
    site = out / "site"
    _cli(site, "extract", build=build)
    _cli(site, "update", build=build)
    say("extract + update done")
    count = fill_catalogs(site, partial, jobs)
    _cli(site, "update", build=build)  # lay the filled catalogs out as the project writes them
    say(f"{count} catalogs filled")
    return site


def _iter_sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        yield int(part)


def main(argv: list[str] | None = None) -> int:
    """Command line of the generator."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="output folder (replaced): site/, markdown/, hugo/")
    parser.add_argument("--posts", type=int, default=1000, help="number of posts (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--partial", action="store_true",
                        help="leave ~15%% of Korean entries empty and ~5%% fuzzy")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes filling catalogs")
    parser.add_argument("--check", action="store_true", help="run 'build.py check' on the result")
    args = parser.parse_args(argv)
    site = generate(args.out, args.posts, args.seed, args.partial, args.jobs)
    if args.check:
        _cli(site, "check")
        print("check: passed", file=sys.stderr)
    print(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
