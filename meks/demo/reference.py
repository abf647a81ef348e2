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

#: The main industries of the monotowns in ``monotowns.csv`` (English there), in Russian and Kazakh.
INDUSTRIES = {
    "phosphorite mining": ("добыча фосфоритов", "фосфорит өндіру"),
    "polymetal mining": ("добыча полиметаллов", "полиметалл өндіру"),
    "non-ferrous metallurgy": ("цветная металлургия", "түсті металлургия"),
    "bauxite mining": ("добыча бокситов", "боксит өндіру"),
    "asbestos mining": ("добыча асбеста", "асбест өндіру"),
    "iron ore": ("железная руда", "темір кені"),
    "copper smelting": ("выплавка меди", "мыс балқыту"),
    "mining and chemicals": ("горнодобывающая и химическая промышленность", "тау-кен және химия өнеркәсібі"),
    "steel": ("чёрная металлургия", "қара металлургия"),
    "iron-manganese ore": ("железомарганцевая руда", "темір-марганец кені"),
    "chromite mining": ("добыча хромитов", "хромит өндіру"),
    "copper mining": ("добыча меди", "мыс өндіру"),
    "oil and gas": ("нефть и газ", "мұнай және газ"),
    "coal and power": ("уголь и энергетика", "көмір және энергетика"),
    "coal": ("добыча угля", "көмір өндіру"),
    "ferroalloys": ("ферросплавы", "ферроқорытпалар"),
}

#: The reason recorded in the history of every record the demo data set creates.
DEMO_REASON = "Демонстрационные данные"
