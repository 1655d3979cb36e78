# ruff: noqa: RUF001, RUF002, RUF003 - Cyrillic and Uzbek letters are the point here
"""Deterministic synthetic news corpus for the search benchmark.

    python bench/corpus.py --n 1000000 --out var/corpus-1000000.jsonl

Writes one JSON object per line with the fields the WordPress peer harness uses
(``title``, ``slug``, ``body_html``, ``excerpt``, ``author``, ``categories``,
``tags``, ``published_at`` in UTC with ``Z``) plus ``language`` (``en``/``ru``)
and ``places``. About one article in ten is in Russian. Every article draws from
its own ``random.Random(seed, i)`` stream, so the first N lines of a larger
corpus are the corpus of size N. Word choice inside each word class is
Zipf-weighted, so a few words are in nearly every article and a long tail is rare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import random
import sys
from collections.abc import Iterator

SEED = 20261125

NOUNS = (
    "government economy market price rate budget project company ministry region plan "
    "investment growth oil gas energy bank inflation parliament election party law court "
    "reform water road railway border trade export import wheat cotton grain farmer "
    "school hospital student teacher doctor program agreement summit minister president "
    "city village district power plant factory mine pipeline currency tenge dollar loan "
    "debt tax revenue profit deal contract tender sector industry tourism airport flight "
    "bridge housing pension wage salary worker union strike protest police prosecutor "
    "judge verdict sentence drought flood harvest livestock irrigation glacier river lake "
    "steppe mountain forest climate emission pollution waste recycling solar wind uranium "
    "coal copper gold zinc satellite internet network platform startup software data "
    "festival museum theatre film concert book exhibition anniversary heritage language "
    "team match championship tournament medal athlete coach league stadium visa migrant "
    "embassy delegation treaty sanction partner investor share dividend stake forecast "
    "deficit reserve fund subsidy tariff quota license permit inspection audit scandal"
).split()
ADJECTIVES = (
    "new national regional local foreign central major key state private public large "
    "small annual record joint long-term strategic economic political social financial "
    "agricultural industrial digital green rural urban northern southern eastern western "
    "first second final official independent international domestic ambitious costly "
    "controversial modern historic seasonal fragile stable rapid gradual sharp modest"
).split()
VERBS_PAST = (
    "approved announced launched signed rejected postponed expanded reduced raised cut "
    "criticised welcomed discussed reviewed completed opened closed suspended resumed "
    "doubled halved delayed backed blocked funded cancelled extended unveiled tightened"
).split()
VERBS_INF = (
    "increase reduce improve expand support develop build launch modernise strengthen "
    "attract ensure provide introduce complete finance review reform protect restore "
    "replace upgrade connect diversify simplify digitise export produce supply deliver"
).split()
RARE = (
    "saxaul apricot yurt falconry kumis beshbarmak dombra kobyz pomegranate mulberry "
    "caravanserai madrasa minaret petroglyph kurgan mausoleum argali saiga marmot ibex "
    "sturgeon juniper tamarisk edelweiss wormwood licorice buckwheat sunflower rapeseed "
    "soybean apiary cashmere felt embroidery calligraphy mosaic fresco manuscript ballad "
    "lullaby accordion zither kokpar archery biathlon velodrome funicular trolleybus "
    "monorail icebreaker lighthouse granary greenhouse tannery creamery sawmill smelter "
    "foundry kiln quarry tungsten molybdenum vanadium beryllium tantalum helium potash "
    "bauxite permafrost mudflow sandstorm blizzard hailstorm locust brucellosis anthrax "
    "planetarium observatory aquarium sanatorium hovercraft excavator bulldozer velvet"
).split()
# Names appear in both scripts so that cross-script search has something to find.
PEOPLE = [
    ("Kassym-Jomart Tokayev", "Касым-Жомарт Токаев", "Токаева"),
    ("Nursultan Nazarbayev", "Нурсултан Назарбаев", "Назарбаева"),
    ("Shavkat Mirziyoyev", "Шавкат Мирзиёев", "Мирзиёева"),
    ("Sadyr Japarov", "Садыр Жапаров", "Жапарова"),
    ("Emomali Rahmon", "Эмомали Рахмон", "Рахмона"),
    ("Olzhas Bektenov", "Олжас Бектенов", "Бектенова"),
    ("Serdar Berdimuhamedov", "Сердар Бердымухамедов", "Бердымухамедова"),
    ("Aigerim Nurlanova", "Айгерим Нурланова", "Нурлановой"),
    ("Daniyar Seitkali", "Данияр Сейткали", "Сейткали"),
    ("Yerlan Zhaksylykov", "Ерлан Жаксылыков", "Жаксылыкова"),
]
PLACES = [
    ("Almaty", "Алматы", "Алматы"),
    ("Astana", "Астана", "Астане"),
    ("Tashkent", "Ташкент", "Ташкенте"),
    ("Bishkek", "Бишкек", "Бишкеке"),
    ("Dushanbe", "Душанбе", "Душанбе"),
    ("Ashgabat", "Ашхабад", "Ашхабаде"),
    ("Shymkent", "Шымкент", "Шымкенте"),
    ("Zhambyl", "Жамбыл", "Жамбыле"),
    ("Karaganda", "Караганда", "Караганде"),
    ("Samarkand", "Самарканд", "Самарканде"),
    ("Osh", "Ош", "Оше"),
    ("Aktau", "Актау", "Актау"),
    ("Atyrau", "Атырау", "Атырау"),
    ("Kyzylorda", "Кызылорда", "Кызылорде"),
    ("Pavlodar", "Павлодар", "Павлодаре"),
    ("Semey", "Семей", "Семее"),
]
COUNTRIES = (
    "Kazakhstan Uzbekistan Kyrgyzstan Tajikistan Turkmenistan Russia China Turkey Iran "
    "Afghanistan Mongolia Germany India Japan Korea France"
).split()
SECTIONS = [
    "Politics",
    "Economy",
    "Business",
    "Energy",
    "World",
    "Society",
    "Culture",
    "Sport",
    "Technology",
    "Environment",
    "Health",
    "Regions",
]
AUTHORS = [
    "Aigerim Nurlanova",
    "Daniyar Seitkali",
    "Madina Abenova",
    "Yerlan Zhaksylykov",
    "Aliya Omarova",
    "Timur Iskakov",
    "Dinara Bekova",
    "Nurlan Tulegenov",
    "Saule Kassymova",
    "Askar Sadykov",
    "Dilnoza Yusupova",
    "Jamshid Karimov",
    "Aizada Mamytova",
    "Azamat Osmonov",
    "Firuz Saidov",
    "Zebo Nazarova",
    "Merdan Atayev",
    "Elena Petrova",
    "John Carter",
    "Sarah Whitfield",
]
RU_NOUNS = (
    "правительство экономика рынок цена бюджет проект компания министерство регион план "
    "инвестиции рост нефть газ энергия банк инфляция парламент выборы партия закон суд "
    "реформа вода дорога граница торговля экспорт пшеница хлопок фермер школа больница "
    "студент врач программа соглашение саммит министр президент город село район завод"
).split()
RU_CASES = (
    "правительства экономики рынка цены бюджета проекта компании министерства региона "
    "плана роста нефти газа банка инфляции парламента выборов партии закона судом суда "
    "реформы воды дороги границы торговли экспорта пшеницы хлопка фермеров школы больницы"
).split()
RU_ADJ = (
    "новый национальный региональный местный иностранный центральный крупный ключевой "
    "государственный частный ежегодный совместный стратегический экономический "
    "политический социальный финансовый цифровой зелёный сельский городской"
).split()
RU_VERBS = (
    "одобрил объявил запустил подписал отклонил отложил расширил сократил повысил "
    "обсудил рассмотрел завершил открыл закрыл приостановил возобновил поддержал"
).split()

START = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS = int((dt.datetime(2026, 11, 1, tzinfo=dt.UTC) - START).total_seconds())


def _cum(n: int, s: float = 1.0, q: float = 1.5) -> list[float]:
    """Return cumulative Zipf weights for ``n`` ranks."""
    return list(itertools.accumulate(1.0 / (r + q) ** s for r in range(n)))


def _tags() -> list[str]:
    """Return 300 tag names: places, countries, people and topic phrases."""
    names = [p[0] for p in PLACES] + COUNTRIES + [p[0] for p in PEOPLE]
    rng = random.Random(SEED)
    while len(names) < 300:
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if name not in names:
            names.append(name)
    return names


class Corpus:
    """Generate article ``i`` as a dict; the same ``(seed, i)`` always gives the same article."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.tags = _tags()
        self.cw = {
            "noun": _cum(len(NOUNS), 1.0, 1.0),
            "adj": _cum(len(ADJECTIVES)),
            "past": _cum(len(VERBS_PAST)),
            "inf": _cum(len(VERBS_INF)),
            "rare": _cum(len(RARE), 1.3, 3.0),
            "person": _cum(len(PEOPLE), 1.1),
            "place": _cum(len(PLACES), 1.1),
            "country": _cum(len(COUNTRIES), 1.1),
            "section": _cum(len(SECTIONS), 0.6),
            "tag": _cum(len(self.tags), 1.0, 3.0),
            "author": _cum(len(AUTHORS), 0.5),
            "ru_noun": _cum(len(RU_NOUNS)),
            "ru_case": _cum(len(RU_CASES)),
        }

    def _pick(self, rng: random.Random, items: list, kind: str, k: int = 1) -> list:
        return rng.choices(items, cum_weights=self.cw[kind], k=k)

    def _en_sentence(self, rng: random.Random) -> str:
        n = self._pick(rng, NOUNS, "noun", 4)
        a = self._pick(rng, ADJECTIVES, "adj", 2)
        person = self._pick(rng, PEOPLE, "person")[0][0]
        place = self._pick(rng, PLACES, "place")[0][0]
        country = self._pick(rng, COUNTRIES, "country")[0]
        past = self._pick(rng, VERBS_PAST, "past")[0]
        inf = self._pick(rng, VERBS_INF, "inf")[0]
        k = rng.randrange(12)
        if k == 0:
            s = f"{person} said the {a[0]} {n[0]} would {inf} the {n[1]} in {place}."
        elif k == 1:
            s = f"The {n[0]} in {country} {past} the {a[0]} {n[1]} plan, officials said."
        elif k == 2:
            s = f"Officials in {place} {past} the {n[0]} after the {n[1]} {past} last week."
        elif k == 3:
            year = rng.randint(2025, 2035)
            s = f"The {a[0]} {n[0]} is expected to {inf} {n[1]} and {n[2]} by {year}."
        elif k == 4:
            rare = self._pick(rng, RARE, "rare")[0]
            s = f"A {rare} {n[0]} near {place} drew {rng.randint(20, 900)} visitors this {n[1]}."
        elif k == 5:
            s = f"Analysts say the {n[0]} of {country} may {inf} the {a[1]} {n[1]} market."
        elif k == 6:
            pct = rng.randint(1, 30)
            s = f"Oil prices and the {n[0]} rate {past} {pct} percent, the central bank said."
        elif k == 7:
            s = f"The {a[0]} {n[0]} between {place} and {country} will {inf} the {n[3]}."
        elif k == 8:
            s = f"Residents of {place} complained about the {n[0]} and the lack of {a[1]} {n[1]}."
        elif k == 9:
            s = f"{country} and its partners {past} a {a[0]} {n[0]} on {n[1]} and {n[2]}."
        elif k == 10:
            s = f"The government {past} the {n[0]} as the {a[1]} {n[1]} {past} across the region."
        else:
            s = f"{person.split()[-1]} told reporters that the {n[0]} would {inf} the {n[2]}."
        return s[0].upper() + s[1:]

    def _ru_sentence(self, rng: random.Random) -> str:
        n = self._pick(rng, RU_NOUNS, "ru_noun", 2)
        c = self._pick(rng, RU_CASES, "ru_case", 2)
        adj = rng.choice(RU_ADJ)
        verb = rng.choice(RU_VERBS)
        person = self._pick(rng, PEOPLE, "person")[0]
        place = self._pick(rng, PLACES, "place")[0]
        k = rng.randrange(5)
        if k == 0:
            s = f"{person[1]} заявил, что {adj} {n[0]} поддержит развитие {c[0]} в {place[2]}."
        elif k == 1:
            s = f"В {place[2]} {verb} {adj} проект {c[0]} и {c[1]}."
        elif k == 2:
            s = f"По словам {person[2]}, {n[0]} {verb} решение {c[0]}."
        elif k == 3:
            s = f"Правительство {verb} план {c[0]}, сообщили в {place[2]}."
        else:
            s = f"Эксперты в {place[2]} считают, что {n[0]} и {n[1]} будут расти."
        return s[0].upper() + s[1:]

    def article(self, i: int) -> dict:
        """Return article ``i`` in the JSON-lines shape."""
        rng = random.Random(self.seed * 1_000_003 + i)
        russian = rng.random() < 0.1
        section = self._pick(rng, SECTIONS, "section")[0]
        sentence = self._ru_sentence if russian else self._en_sentence
        title = sentence(rng).rstrip(".")
        words = rng.randint(400, 800)
        paras, count = [], 0
        while count < words:
            text = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
            count += text.count(" ") + 1
            paras.append(f"<p>{html.escape(text, quote=False)}</p>")
        tags = list(dict.fromkeys(self._pick(rng, self.tags, "tag", rng.randint(2, 6))))
        places = [self._pick(rng, PLACES, "place")[0][0]]
        when = START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
        return {
            "title": title,
            "slug": f"a{i}",
            "body_html": "\n".join(paras),
            "excerpt": "",
            "author": self._pick(rng, AUTHORS, "author")[0],
            "categories": [section],
            "tags": tags,
            "places": places,
            "language": "ru" if russian else "en",
            "published_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def articles(self, start: int, stop: int) -> Iterator[dict]:
        """Yield articles ``start`` to ``stop - 1``."""
        for i in range(start, stop):
            yield self.article(i)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", default="-", help="JSON-lines file, '-' for stdout")
    args = parser.parse_args()
    corpus = Corpus(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    with out:
        for record in corpus.articles(0, args.n):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
