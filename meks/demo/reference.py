"""Names the demo data set needs beyond the reference CSV files.

Kazakh names of monotowns and common village names; village names and their KATO codes are DEMO
ASSUMPTIONS.
"""

MONOTOWN_KK = {
    "Zhanatas": "Жаңатас", "Karatau": "Қаратау", "Ridder": "Риддер", "Altai": "Алтай",
    "Serebryansk": "Серебрянск", "Arkalyk": "Арқалық", "Zhitikara": "Жітіқара", "Lisakovsk": "Лисаков",
    "Rudny": "Рудный", "Balkhash": "Балқаш", "Stepnogorsk": "Степногор", "Temirtau": "Теміртау",
    "Karazhal": "Қаражал", "Khromtau": "Хромтау", "Satpayev": "Сәтбаев", "Kulsary": "Құлсары",
    "Ekibastuz": "Екібастұз", "Zhanaozen": "Жаңаөзен", "Shakhtinsk": "Шахтинск", "Aksu": "Ақсу",
}

#: Common village names (Russian, Kazakh, English) with a typical specialization; several recur across
#: Kazakhstan's regions, as they do in reality.
VILLAGES = [
    ("Жанаауыл", "Жаңаауыл", "Zhanaauyl", "livestock"),
    ("Береке", "Береке", "Bereke", "crops"),
    ("Бирлик", "Бірлік", "Birlik", "crops"),
    ("Достык", "Достық", "Dostyk", "logistics"),
    ("Кызылжар", "Қызылжар", "Kyzylzhar", "livestock"),
    ("Коктерек", "Көктерек", "Kokterek", "tourism"),
    ("Тасты", "Тасты", "Tasty", "industry"),
    ("Акжар", "Ақжар", "Akzhar", "services"),
]
