"""Realistic international signatories for the benchmarks: names, titles and countries.

International coalitions' rosters are not ASCII: Polish and Vietnamese names carry accents,
Spanish ones two family names, Russian ones a patronymic, Korean, Chinese and Japanese ones
are written in their own scripts, Arabic ones right to left. The cost of folding, identity
keys and fuzzy comparison depends on that, so the benchmarks measure on names like these.

    from names import international_roster
    text = international_roster(50_000, seed=1)  # a canonical roster, sorted

Deterministic for a given seed. Every name is made of common given and family names of its
language; combinations give hundreds of thousands of distinct people.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

# (share of individuals, country, given names, family names, how a name is put together)
PEOPLE = [
    (10, "PL", "Agnieszka Małgorzata Józef Łukasz Wojciech Zofia Bartłomiej Grażyna Przemysław "
               "Katarzyna Michał Ewa Paweł Dorota Krzysztof Elżbieta Jędrzej Urszula",
     "Wróblewski Nowak Kowalczyk Wiśniewska Zieliński Dąbrowska Sikorski Łuczak Gołębiowska "
     "Jabłoński Szymańska Woźniak Kołodziej Żak Pietrzyk Wójcik Kamińska Błaszczyk", "western"),
    (10, "ES", "María José Nájera Ángel Begoña Íñigo Lucía Sebastián Mónica Andrés Verónica "
               "Joaquín Inés Ramón Dolores Héctor Nuria Óscar Pilar",
     "García Martínez Ojea-Quintana Pérez Sánchez Gómez Fernández Díaz Muñoz Jiménez Álvarez "
     "Romero Núñez Domínguez Vázquez Castaño Peña Ibáñez", "spanish"),
    (7, "FR", "Hélène François Léa Jérôme Amélie Stéphane Céline Noël Gaëlle Benoît Agnès "
              "Régis Cécile Loïc Françoise Théo",
     "Lefèvre Dupré Bérubé Moreau Girard Lemaître Bélanger Chevalier Côté Fournier Mercier "
     "Gagné Rousseau Faure Lévêque Ménard", "western"),
    (5, "DE", "Jürgen Käthe Björn Günther Jörg Dörte Sören Uwe Hannelore Lütfiye Maximilian "
              "Annegret Matthias Grete",
     "Müller Schröder Groß Köhler Weiß Hoffmann Böhm Krüger Schäfer Fuchs Vögele Braun Meißner "
     "Dürr", "western"),
    (5, "TR", "Ayşe Gökhan Şebnem Çağla Oğuz Gülşen İlker Özlem Ümit Barış Deniz Nilüfer "
              "Serkan Büşra",
     "Yılmaz Öztürk Çelik Şahin Doğan Kılıç Aydın Özdemir Arslan Koç Kurt Güneş Erdoğan "
     "Aksoy", "western"),
    (5, "VN", "Nguyễn Thị Minh Trần Văn Đức Lê Thu Hằng Phạm Quốc Bảo Hoàng Anh Tuấn Võ Ngọc "
              "Lan Đặng Hữu Phước Bùi Thanh Hương",
     "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý", "family-first"),
    (8, "RU", "Александр Елена Дмитрий Ольга Сергей Наталья Андрей Татьяна Михаил Ирина "
              "Юрий Светлана Алексей Анастасия Владимир Людмила",
     "Иванов Смирнова Кузнецов Попова Васильев Соколова Михайлов Новикова Фёдоров Морозова "
     "Волков Алексеева Лебедев Семёнова Егоров Павлова Козлов Степанова", "russian"),
    (4, "UA", "Олена Тарас Оксана Богдан Ірина Андрій Наталія Юрій Галина Василь Їжакевич "
              "Євгенія Остап Соломія",
     "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Бойко "
     "Лисенко Мельник Ковальчук Гнатюк", "western"),
    (10, "KR", "민준 서연 지훈 하은 도윤 수아 예준 지우 시우 서윤 주원 하린 건우 지민 현우 "
               "은서 양희 성민 혜진 동현",
     "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍", "cjk"),
    (8, "CN", "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 晓明 "
              "志强 海燕 建华 丽华 文静 国平 春梅",
     "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯",
     "cjk"),
    (5, "JP", "翔太 さくら 健一 由美 大輔 美咲 拓也 陽子 誠 恵子 直樹 真由美 浩 愛",
     "佐藤 鈴木 高橋 田中 渡辺 伊藤 山本 中村 小林 加藤 吉田 山田 佐々木 松本", "cjk"),
    (10, "EG", "محمد فاطمة أحمد مريم علي زينب حسن نور خالد ليلى عمر سارة يوسف هدى إبراهيم "
               "رنا",
     "الشريف المصري العلي حسين عبد الله الحسن منصور السيد الخطيب النجار الحداد عثمان "
     "البغدادي الزين", "arabic"),
    (5, "GB", "Siobhán Seán Aoife Niamh Eoghan Ciarán Zoë Chloë Renée Dominic Margaret Owen "
              "Rhiannon Dafydd",
     "O'Brien McCarthy Ó Súilleabháin Ní Bhriain Smith Jones Williams Llewellyn Davies "
     "Fitzgerald Naismith Ó Ceallaigh", "western"),
    (3, "NO", "Øystein Åse Bjørn Ingrid Sigrún Þórður Kjærsti Håkon Ævar Solveig",
     "Østergaard Håland Bjørnstad Sæther Jóhannsdóttir Þorsteinsson Løvås Ødegård", "western"),
]
TITLES = {
    "PL": ["Dyrektor, Fundacja Helsińska", "Profesor, Uniwersytet Warszawski"],
    "ES": ["Relatora, Asociación Pro Derechos Humanos", "Abogado, Colegio de Madrid"],
    "FR": ["Présidente, Ligue des droits de l'Homme", "Chercheur, Université de Montréal"],
    "DE": ["Vorsitzende, Gesellschaft für bedrohte Völker", "Professor, Universität Köln"],
    "TR": ["Avukat, İnsan Hakları Derneği", "Öğretim Üyesi, Boğaziçi Üniversitesi"],
    "VN": ["Luật sư, Hội Nhân quyền", "Nhà báo độc lập"],
    "RU": ["Правозащитник, Мемориал", "Профессор, Московский университет"],
    "UA": ["Директорка, Центр громадянських свобод", "Юрист, Харківська правозахисна група"],
    "KR": ["북한인권시민연합 대표", "서울대학교 교수"],
    "CN": ["律师", "人权研究员, 香港大学"],
    "JP": ["弁護士, ヒューマンライツ・ナウ", "東京大学 教授"],
    "EG": ["محامية، المبادرة المصرية للحقوق الشخصية", "باحث في حقوق الإنسان"],
    "GB": ["Former Special Rapporteur", "Member of the House of Lords"],
    "NO": ["Generalsekretær, Den norske Helsingforskomité", "Professor, Universitetet i Oslo"],
}
ORGANISATIONS = [
    ("PL", "Fundacja {w} na rzecz Praw Człowieka"), ("ES", "Asociación {w} por los Derechos "
     "Humanos"), ("FR", "Collectif {w} pour la Dignité"), ("DE", "Netzwerk {w} für Menschenrechte"),
    ("TR", "{w} İnsan Hakları Derneği"), ("RU", "Правозащитный центр «{w}»"),
    ("UA", "Громадська організація «{w}»"), ("KR", "{w} 인권 네트워크"), ("CN", "{w}人权观察"),
    ("JP", "{w}・人権ネットワーク"), ("EG", "مركز {w} لحقوق الإنسان"), ("GB", "{w} Human Rights "
     "Trust"), ("VN", "Hội {w} vì Nhân quyền"), ("NO", "Stiftelsen {w} for menneskerettigheter"),
]


# Family names are also made from common stems and endings of their language, as real ones
# are, so that 200,000 people do not share a few hundred names.
FAMILY_PARTS = {
    "PL": ("Wróbl Kowal Zieli Dąbr Sikor Jabło Szyma Woźni Kołodz Pietrz Grab Brzez Łęck Mazur "
           "Krawc Stęp Wilcz Zawadz Górn Majewsk Cieśl Rutk Olsz Chmiel Bąk Sobcz Strzel Lis "
           "Kaczm Żuk Gąsior Przyb Śliw Wąs Jóźw Ptasz Michal Baran Kubiak Głow",
           "ewski ewska owski owska iński ińska czyk ak ek iak ecki ecka uk"),
    "ES": ("Fernánd Gonzál Rodrígu Hernánd Góm Gutiérr Ramír Suár Vázqu Benít Márqu Ordóñ "
           "Cháv Martín Sánch Lóp Díaz Ib Núñ Domíngu Álvar Muñ Jimén Enríqu Velázqu Peláy "
           "Báez Orduñ Alarc Carreñ Villal Quiñ", "ez es az o"),
    "RU": ("Иван Смирн Кузнец Поп Васил Соколь Михайл Новик Фёдор Мороз Волк Алексе Лебед "
           "Семён Егор Павл Козл Степан Никол Орл Андре Макар Никит Захар Зайц Солов Борис "
           "Яковл Григор Роман Воробь Серге Кузьм Фрол Александр Дмитри Корол Гусе Киселё",
           "ов ова ев ева ин ина ский ская"),
    "UA": ("Шевч Ковал Бондар Ткач Кравч Олійн Поліщ Бойк Лис Мельн Гнат Гриц Дорош Павлюк "
           "Сав Кушн Мороз Литв Марч Панас Остап Яковч Гончар Кобз Тимош Клим Юрч Фед",
           "енко ук чук ишин ський ська ович"),
    "DE": ("Müll Schröd Köhl Weiß Hoffm Böhm Krüg Schäf Fuchs Vög Braun Meiß Dürr Lehm Wagn "
           "Beck Schulz Zimmerm Hartm Lang Köst Jäg Günth Löff Schütz Bräu Seidl Wolf Pohl",
           "er mann ner ke el"),
    "FR": ("Lefèv Dupr Bérub Mor Gir Lemaît Bélang Cheval Fourn Merc Gagn Rouss Faur Lévêq "
           "Ménard Bouch Gauth Perr Lamb Blanch Garn Roch Renaud Cléme Bonnefo Thibaud",
           "re eau ier et ard in on"),
    "TR": ("Yıl Öz Çel Şah Doğ Kıl Ayd Özdem Arsl Koç Kurt Gün Erdoğ Aks Kaya Polat Tekin "
           "Kork Uç Bulut Keskin Sarı Akgül Çakır Ünal Güler Acar Taş Bayram Kaplan",
           "maz türk ik in an oğlu er ci"),
}


CITIES = {
    "PL": "Warszawa Kraków Łódź Wrocław Poznań Gdańsk Szczecin Lublin Białystok Katowice",
    "ES": "Madrid Barcelona Sevilla Málaga Bilbao Córdoba Valladolid Alicante Gijón León",
    "FR": "Paris Lyon Marseille Montréal Québec Genève Liège Nîmes Besançon Orléans",
    "DE": "Berlin München Köln Düsseldorf Nürnberg Göttingen Lübeck Würzburg Jena Bonn",
    "TR": "İstanbul Ankara İzmir Diyarbakır Eskişehir Muğla Şanlıurfa Çanakkale Adana",
    "VN": "Hà Nội Huế Đà Nẵng Cần Thơ Hải Phòng Nha Trang Đà Lạt Vinh",
    "RU": "Москва Петербург Казань Новосибирск Екатеринбург Пермь Томск Воронеж Самара",
    "UA": "Київ Харків Львів Одеса Дніпро Запоріжжя Чернігів Полтава Ужгород",
    "KR": "서울 부산 인천 대구 광주 대전 울산 수원 춘천 제주",
    "CN": "北京 上海 广州 深圳 成都 武汉 南京 西安 香港 台北",
    "JP": "東京 大阪 京都 名古屋 札幌 福岡 神戸 仙台 広島",
    "EG": "القاهرة الإسكندرية بيروت عمّان تونس الرباط بغداد دمشق الخرطوم",
    "GB": "London Belfast Cardiff Edinburgh Glasgow Dublin Cork Galway Swansea Leeds",
    "NO": "Oslo Bergen Trondheim Tromsø Bodø Ålesund Reykjavík Akureyri Stavanger",
}


def _split(words: str) -> list[str]:
    return words.split()


def _family(rng: random.Random, country: str, family: list[str]) -> str:
    parts = FAMILY_PARTS.get(country)
    if parts and rng.random() < 0.7:
        return rng.choice(_split(parts[0])) + rng.choice(_split(parts[1]))
    return rng.choice(family)


def person(rng: random.Random) -> tuple[str, str, str, str | None]:
    """(name, country, title, sort_as) of one individual."""
    weights = [p[0] for p in PEOPLE]
    _, country, given, family, shape = rng.choices(PEOPLE, weights)[0]
    given, family = _split(given), _split(family)
    sort_as = None
    if shape == "spanish":
        name = f"{rng.choice(given)} {_family(rng, country, family)} {rng.choice(family)}"
        if rng.random() < 0.3:
            name = f"{rng.choice([g for g in given if g not in name])} {name}"
    elif shape == "russian":
        first, last = rng.choice(given), _family(rng, country, family)
        patronymic = rng.choice(given).removesuffix("а").removesuffix("й") + rng.choice(
            ["ович", "овна", "евич", "евна"])
        name = f"{first} {patronymic} {last}"
    elif shape == "family-first":  # Vietnamese: family name first, sorted under it
        fam = rng.choice(family)
        middle, first = rng.sample(given, 2)
        name = f"{fam} {middle} {first}"
        sort_as = name
    elif shape == "cjk":  # family name first, no space in Han and kana; Hangul likewise
        fam = rng.choice(family)
        first = rng.choice(given)
        if len(first) == 1 or (country == "KR" and rng.random() < 0.6):
            first = first[:1] + rng.choice(given)[-1:]  # names are built from syllables
        name = f"{fam}{first}"
        sort_as = name
    elif shape == "arabic":
        first, father = rng.sample(given, 2)
        name = f"{first} {father} {rng.choice(family)}"
    else:
        name = f"{rng.choice(given)} {_family(rng, country, family)}"
        if rng.random() < 0.25:
            name = f"{rng.choice([g for g in given if g not in name])} {name}"
        if rng.random() < 0.1:
            name = f"{name}-{_family(rng, country, family)}"
    return name, country, rng.choice(TITLES[country]), sort_as


def organisation(rng: random.Random) -> tuple[str, str]:
    """(name, country) of one organisation."""
    country, pattern = rng.choice(ORGANISATIONS)
    pool = next(p for p in PEOPLE if p[1] == country)
    cities = _split(CITIES[country])
    w = rng.choice(cities) if rng.random() < 0.5 else _family(rng, country, _split(pool[3]))
    name = pattern.format(w=w)
    if rng.random() < 0.5:  # a local chapter
        name = f"{name} ({rng.choice(cities)})" if rng.random() < 0.5 else \
            f"{name} – {rng.choice(cities)}"
    return name, country


def international_entries(n: int, seed: int = 1, organisations: float = 0.05):
    """n distinct signatories (by identity key) as Signatory objects, in canonical order."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from undersigned.format.model import Signatory
    from undersigned.roster.collation import identity_key, sort_key

    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 50 * n + 1000:
            raise SystemExit(f"cannot make {n} distinct names; add names to benchmarks/names.py")
        if rng.random() < organisations:
            name, country = organisation(rng)
            title, sort_as, kind = None, None, "organization"
        else:
            name, country, title, sort_as = person(rng)
            kind = "individual"
        key = identity_key(name)
        if key in seen:
            continue
        seen.add(key)
        out.append(Signatory(name=name, kind=kind, signed_on=None, title=title,
                             country=country, sort_as=sort_as))
    out.sort(key=lambda s: (s.kind != "individual", sort_key(s)))
    return out


def international_roster(n: int, seed: int = 1, as_of: str = "2023-09-21") -> str:
    """A roster of n international signatories in the canonical layout, sorted."""
    lines = ["# yaml-language-server: $schema=../schema/roster.schema.json",
             "# Benchmark roster: realistic names in many scripts (benchmarks/names.py).",
             f"as_of: {as_of}", "signatories:"]
    for i, s in enumerate(international_entries(n, seed)):
        if i % 1000 == 0:
            lines.append("  # a coordinator's comment")
        lines.append(f"  - name: {_scalar(s.name)}")
        if s.sort_as:
            lines.append(f"    sort_as: {_scalar(s.sort_as)}")
        lines.append(f"    kind: {s.kind}")
        if s.title:
            lines.append(f"    title: {_scalar(s.title)}")
        lines += [f"    country: {s.country}", f"    signed_on: {as_of}", "    status: confirmed",
                  f"    via: form:signon.csv:{i + 2}", ""]
    return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    """A YAML plain scalar when it reads back as the same string, else double-quoted."""
    import json

    if text[0] in "'\"!&*[]{}|>%@`#,?:-" or ": " in text or " #" in text:
        return json.dumps(text, ensure_ascii=False)
    return text


if __name__ == "__main__":  # python benchmarks/names.py N [SEED] > roster.yaml
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sys.stdout.buffer.write(international_roster(n, seed).encode("utf-8"))
