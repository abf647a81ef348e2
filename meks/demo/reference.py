"""Names the demo data set needs beyond the reference CSV files: Kazakh names of regional centres and
monotowns, and common village names. Village names and their KATO codes are DEMO ASSUMPTIONS.
"""

CENTRE_KK = {
    "10": "Семей", "11": "Көкшетау", "15": "Ақтөбе", "19": "Қонаев", "23": "Атырау", "27": "Орал",
    "31": "Тараз", "33": "Талдықорған", "35": "Қарағанды", "39": "Қостанай", "43": "Қызылорда",
    "47": "Ақтау", "55": "Павлодар", "59": "Петропавл", "61": "Түркістан", "62": "Жезқазған",
    "63": "Өскемен", "71": "Астана", "75": "Алматы", "79": "Шымкент",
}

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
