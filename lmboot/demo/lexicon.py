"""Lexicons of the built-in demo data (lmboot/demo/data.py): slot values in English and Spanish with their
gender and number, numbers, times and dates, and the template helpers that check both sides use the same slots.

Lexicon syntax: `en=es/g; ...` (es defaults to en, g in m f mp fp, default m).
"""

from __future__ import annotations

import re

GENDERS = ("m", "f", "mp", "fp")
MARKS = {  # indexed by GENDERS
    "el": ("el", "la", "los", "las"),
    "del": ("del", "de la", "de los", "de las"),
    "al": ("al", "a la", "a los", "a las"),
    "un": ("un", "una", "unos", "unas"),
    "este": ("este", "esta", "estos", "estas"),
    "su": ("su", "su", "sus", "sus"),
    "o": ("o", "a", "os", "as"),
    "lo": ("lo", "la", "los", "las"),
    "es": ("", "", "es", "es"),
    "n": ("", "", "n", "n"),
    "he": ("he", "she", "they", "they"),
    "his": ("his", "her", "their", "their"),
}
PLACEHOLDER = re.compile(r"\{(?:(\w+):)?(\w+)\}")
SLOT_LETTERS = "abcdefgh"
MINOR_WORDS = {"de", "del", "la", "las", "los", "y", "a", "el", "of", "the", "in", "and"}
ACRONYMS = {"cnn": "CNN", "npr": "NPR", "rtve": "RTVE", "abc": "ABC"}


def _lex(spec: str, proper: bool = False) -> list[tuple]:
    """'en=es/g; ...' -> [(en, es, gender index, proper noun?)]."""
    entries = []
    for item in re.split(r"[;\n]", spec):
        if item.strip():
            pair, _, gender = item.partition("/")
            en, _, es = pair.partition("=")
            entries.append((en.strip(), (es or en).strip(), GENDERS.index(gender.strip() or "m"), proper))
    return entries


def template_pairs(spec: str) -> list[tuple[str, str]]:
    """'english | spanish' lines -> [(en, es)]; both sides must use the same slots."""
    pairs = []
    for line in spec.strip().splitlines():
        en, es = (side.strip() for side in line.split("|"))
        if set(slot_keys(en)) != set(slot_keys(es)) or not _all_keys(en + es) <= set(slot_keys(en)):
            raise AssertionError(f"slot mismatch in template: {line}")
        pairs.append((en, es))
    return pairs


def slot_keys(template: str) -> list[str]:
    """Slot keys in order of appearance (marker-only references excluded)."""
    return list(dict.fromkeys(m[2] for m in PLACEHOLDER.finditer(template) if not m[1]))


def _all_keys(template: str) -> set[str]:
    return {m[2] for m in PLACEHOLDER.finditer(template)}


# --- numbers ---------------------------------------------------------------------------
_EN_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ES_UNITS = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
    "quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
    "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
).split()
_ES_TENS = "_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_EN_ORD = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()


def en_num(n: int) -> str:
    if n == 100:
        return "one hundred"
    return _EN_UNITS[n] if n < 20 else _EN_TENS[n // 10] + (f" {_EN_UNITS[n % 10]}" if n % 10 else "")


def es_num(n: int, before_noun: bool = False) -> str:
    """Spanish number words; before a masculine noun 'uno' shortens (veintiún grados)."""
    if n == 100:
        return "cien"
    word = _ES_UNITS[n] if n < 30 else _ES_TENS[n // 10] + (f" y {_ES_UNITS[n % 10]}" if n % 10 else "")
    return re.sub(r"(veinti)?uno$", lambda m: "veintiún" if m[1] else "un", word) if before_noun else word


def en_ordinal(n: int) -> str:
    if n <= 20:
        return _EN_ORD[n - 1]
    return "thirtieth" if n == 30 else f"{_EN_TENS[n // 10]} {_EN_ORD[n % 10 - 1]}"


def _counted(numbers, en_unit: str, es_unit: str) -> list[tuple]:
    """'seven minutes'/'siete minutos' entries for masculine Spanish units."""
    return [(f"{en_num(n)} {en_unit}", f"{es_num(n, True)} {es_unit}", 0, False) for n in numbers]


def _times() -> list[tuple]:
    """Clock times: 'seven thirty pm'/'siete y media de la tarde' (gender fp, 'la una' f)."""
    minutes = (
        ("", ""),
        (" ten", " y diez"),
        (" fifteen", " y cuarto"),
        (" thirty", " y media"),
        (" forty five", " y cuarenta y cinco"),
    )
    times = []
    for h in range(1, 13):
        en_h, es_h, g = en_num(h), "una" if h == 1 else es_num(h), 1 if h == 1 else 3
        for en_m, es_m in minutes:
            am = "de la noche" if h == 12 else "de la madrugada" if h < 6 else "de la mañana"
            pm = "del mediodía" if h == 12 else "de la tarde" if h < 8 else "de la noche"
            times += [
                (f"{en_h}{en_m} am", f"{es_h}{es_m} {am}", g, False),
                (f"{en_h}{en_m} pm", f"{es_h}{es_m} {pm}", g, False),
            ]
        times += [
            (f"half past {en_h}", f"{es_h} y media", g, False),
            (f"quarter past {en_h}", f"{es_h} y cuarto", g, False),
            (f"{en_h} o'clock", f"{es_h} en punto", g, False),
        ]
    return times + _lex("noon=mediodía; midnight=medianoche/f")


def _durations() -> list[tuple]:
    minutes = [
        (en_num(n) + " minutes", es_num(n) + " minutos", 0, False)
        for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50)
    ]
    seconds = [(en_num(n) + " seconds", es_num(n) + " segundos", 0, False) for n in (10, 15, 20, 30, 40, 45, 50)]
    return (
        minutes
        + seconds
        + _lex(
            "one minute=un minuto; one hour=una hora/f; two hours=dos horas/fp; three hours=tres horas/fp; "
            "half an hour=media hora/f; an hour and a half=una hora y media/f; "
            "a minute and a half=un minuto y medio; two and a half hours=dos horas y media/fp; "
            "one hour and fifteen minutes=una hora y cuarto/f"
        )
    )


DAYS = _lex(
    "monday=lunes; tuesday=martes; wednesday=miércoles; thursday=jueves; friday=viernes; "
    "saturday=sábado; sunday=domingo"
)
MONTHS = _lex(
    "january=enero; february=febrero; march=marzo; april=abril; may=mayo; june=junio; "
    "july=julio; august=agosto; september=septiembre; october=octubre; "
    "november=noviembre; december=diciembre"
)
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# --- slot lexicons -----------------------------------------------------------------------
NAMES = _lex(
    """maria=maría/f; jose=josé; lucia=lucía/f; carlos; ana/f; javier; laura/f; david;
    sofia=sofía/f; pablo; elena/f; miguel; carmen/f; diego; paula/f; alejandro; marta/f; sergio;
    isabel/f; andres=andrés; raquel/f; jorge; cristina/f; raul=raúl; beatriz/f; alvaro=álvaro;
    nuria/f; ruben=rubén; hugo; john; emma/f; peter; sarah/f; james; olivia/f; tom; kate/f; daniel;
    julia/f; martin=martín; ines=inés/f; ramon=ramón; monica=mónica/f; lola/f""",
    proper=True,
)
KIN = _lex("""sister=hermana/f; brother=hermano; mother=madre/f; father=padre; grandmother=abuela/f;
    grandfather=abuelo; aunt=tía/f; uncle=tío; cousin=primo; daughter=hija/f; son=hijo; wife=mujer/f;
    husband=marido; niece=sobrina/f; nephew=sobrino; boss=jefe; neighbor=vecina/f;
    best friend=mejor amigo; girlfriend=novia/f; boyfriend=novio""")
PERSONS = NAMES + [(f"my {en}", f"mi {es}", g, False) for en, es, g, _ in KIN] + _lex("mom=mamá/f; dad=papá")
CITIES = _lex(
    """madrid; barcelona; seville=sevilla; valencia; bilbao; malaga=málaga; granada; zaragoza;
    cordoba=córdoba; salamanca; toledo; cadiz=cádiz; san sebastian=san sebastián; santander; pamplona;
    valladolid; oviedo; alicante; murcia; london=londres; paris=parís; rome=roma; berlin=berlín;
    lisbon=lisboa; new york=nueva york; mexico city=ciudad de méxico; buenos aires; lima;
    bogota=bogotá; santiago; tokyo=tokio; amsterdam=ámsterdam; dublin=dublín; vienna=viena;
    prague=praga; athens=atenas; moscow=moscú; boston; chicago; miami; los angeles=los ángeles;
    montevideo; quito; havana=la habana; florence=florencia; munich=múnich; geneva=ginebra;
    edinburgh=edimburgo; brussels=bruselas; stockholm=estocolmo""",
    proper=True,
)
COUNTRIES = _lex(
    """spain=españa; france=francia; germany=alemania; italy=italia; portugal; mexico=méxico;
    argentina; chile; peru=perú; colombia; japan=japón; china; brazil=brasil; canada=canadá;
    morocco=marruecos; greece=grecia; norway=noruega; sweden=suecia; ireland=irlanda; egypt=egipto;
    india; australia; turkey=turquía; poland=polonia; scotland=escocia; switzerland=suiza; austria;
    belgium=bélgica; cuba; uruguay; ecuador; kenya=kenia; vietnam; thailand=tailandia;
    finland=finlandia; denmark=dinamarca; croatia=croacia; hungary=hungría;
    south korea=corea del sur; new zealand=nueva zelanda""",
    proper=True,
)
ARTISTS = _lex(
    """shakira; the beatles; queen; rosalia=rosalía; bad bunny; taylor swift; adele; coldplay;
    alejandro sanz; juanes; ed sheeran; beyonce=beyoncé; madonna; estopa; manu chao; bruce springsteen;
    elton john; david bowie; michael jackson; frank sinatra; norah jones; miles davis;
    pablo alboran=pablo alborán; julio iglesias; karol g; dua lipa; the rolling stones; abba; mecano;
    joaquin sabina=joaquín sabina; ricky martin; celia cruz; jorge drexler; c tangana""",
    proper=True,
)
SONGS = _lex(
    """despacito; bohemian rhapsody; imagine; yesterday; hotel california; la bamba; bailando;
    hey jude; let it be; thriller; billie jean; wonderwall; hallelujah; shape of you; bad guy;
    rolling in the deep; someone like you; la macarena; vivir mi vida; viva la vida; clocks; yellow;
    dancing queen; purple rain; halo; hips don't lie; la flaca; corazón partío; la tortura; bamboleo""",
    proper=True,
)
GENRES = _lex("""jazz; rock; pop; classical music=música clásica/f; reggaeton=reguetón; flamenco; hip hop;
    salsa/f; country music=música country/f; heavy metal; blues; opera=ópera/f;
    relaxing music=música relajante/f; eighties music=música de los ochenta/f; indie rock=rock indie;
    techno=tecno; bossa nova/f; punk; soul; latin music=música latina/f; tango; bachata/f""")
PLAYLISTS = _lex("""workout=entrenamiento; party=fiesta; study=estudio; road trip=viaje; sleep=dormir;
    running=correr; dinner=cena; summer=verano; morning=mañana; chill=relax; cooking=cocina""")
ROOMS = _lex("""kitchen=cocina/f; living room=salón; bedroom=dormitorio; bathroom=baño; garage=garaje;
    office=despacho; hallway=pasillo; dining room=comedor; basement=sótano; garden=jardín;
    kids' room=habitación de los niños/f; guest room=habitación de invitados/f; attic=desván;
    terrace=terraza/f; laundry room=lavadero; master bedroom=dormitorio principal; study=estudio""")
DEVICES = _lex("""lamp=lámpara/f; fan=ventilador; heating=calefacción/f; air conditioning=aire acondicionado;
    tv=tele/f; coffee maker=cafetera/f; robot vacuum=robot aspirador; dishwasher=lavavajillas;
    washing machine=lavadora/f; speaker=altavoz; oven=horno; radio/f; dehumidifier=deshumidificador;
    kettle=hervidor; printer=impresora/f; ceiling fan=ventilador de techo; night light=luz nocturna/f""")
TASKS = _lex("""call the dentist=llamar al dentista; take out the trash=sacar la basura;
    water the plants=regar las plantas; buy bread=comprar pan; pay the electricity bill=pagar la factura de la luz;
    pick up the kids=recoger a los niños; take my medicine=tomar la medicina; walk the dog=pasear al perro;
    book a table=reservar una mesa; renew my passport=renovar el pasaporte; send the report=enviar el informe;
    go to the gym=ir al gimnasio; feed the cat=dar de comer al gato; check the oven=mirar el horno;
    move the car=mover el coche; buy a birthday present=comprar un regalo de cumpleaños;
    finish the presentation=terminar la presentación; call grandma=llamar a la abuela;
    clean the bathroom=limpiar el baño; do the laundry=poner la lavadora;
    return the library books=devolver los libros a la biblioteca; study for the exam=estudiar para el examen;
    charge my phone=cargar el móvil; lock the door=cerrar la puerta con llave;
    make a doctor's appointment=pedir cita con el médico; buy stamps=comprar sellos;
    change the sheets=cambiar las sábanas; call the plumber=llamar al fontanero""")
EVENTS = _lex("""dentist appointment=cita con el dentista/f; team meeting=reunión de equipo/f;
    yoga class=clase de yoga/f; birthday party=fiesta de cumpleaños/f; job interview=entrevista de trabajo/f;
    doctor's appointment=cita con el médico/f; football match=partido de fútbol; haircut=corte de pelo;
    english class=clase de inglés/f; piano lesson=clase de piano/f; car service=revisión del coche/f;
    book club=club de lectura; concert=concierto; flight=vuelo; dinner with friends=cena con amigos/f;
    parent teacher meeting=reunión de padres/f; video call=videollamada/f; swimming lesson=clase de natación/f""")
TOPICS = _lex("""sports=deportes; politics=política; technology=tecnología; business=economía; science=ciencia;
    health=salud; entertainment=espectáculos; culture=cultura; football=fútbol; travel=viajes;
    education=educación; environment=medio ambiente""")
SOURCES = _lex(
    """reuters; cnn; el pais=el país; el mundo; the guardian; the new york times; la vanguardia;
    npr; al jazeera; rtve; abc; euronews""",
    proper=True,
)
FOOD = _lex("""milk=leche/f; eggs=huevos/mp; bread=pan; butter=mantequilla/f; cheese=queso; rice=arroz;
    pasta/f; tomatoes=tomates/mp; potatoes=patatas/fp; onions=cebollas/fp; garlic=ajo; apples=manzanas/fp;
    bananas=plátanos/mp; oranges=naranjas/fp; lemons=limones/mp; strawberries=fresas/fp; grapes=uvas/fp;
    carrots=zanahorias/fp; lettuce=lechuga/f; chicken=pollo; fish=pescado; salmon=salmón; tuna=atún;
    ham=jamón; yogurt=yogur; coffee=café; tea=té; sugar=azúcar; salt=sal/f; flour=harina/f;
    olive oil=aceite de oliva; orange juice=zumo de naranja; cereal=cereales/mp; beer=cerveza/f;
    red wine=vino tinto; chocolate; cookies=galletas/fp; peppers=pimientos/mp;
    cucumbers=pepinos/mp; mushrooms=champiñones/mp; green beans=judías verdes/fp; lentils=lentejas/fp;
    chickpeas=garbanzos/mp; spinach=espinacas/fp; avocados=aguacates/mp; peaches=melocotones/mp;
    ice cream=helado; frozen peas=guisantes congelados/mp""")
ITEMS = FOOD + _lex("""toilet paper=papel higiénico; dish soap=lavavajillas; shampoo=champú;
    toothpaste=pasta de dientes/f; napkins=servilletas/fp; batteries=pilas/fp; dog food=comida para perros/f;
    cat food=comida para gatos/f; paper towels=papel de cocina""")
MODES = _lex("""by train=en tren; by bus=en autobús; by car=en coche; on foot=a pie; by bike=en bici;
    by metro=en metro; by plane=en avión; by taxi=en taxi""")
PLACES = _lex("""airport=aeropuerto; train station=estación de tren/f; bus station=estación de autobuses/f;
    city center=centro; hospital; office=oficina/f; museum=museo; stadium=estadio; beach=playa/f;
    university=universidad/f; mall=centro comercial; port=puerto; library=biblioteca/f;
    town hall=ayuntamiento; zoo; post office=oficina de correos/f; gym=gimnasio""")
DISHES = _lex("""paella/f; lasagna=lasaña/f; chocolate cake=tarta de chocolate/f; pancakes=tortitas/fp;
    tomato soup=sopa de tomate/f; roast chicken=pollo asado; spanish omelette=tortilla de patatas/f;
    guacamole; gazpacho; risotto; apple pie=tarta de manzana/f; pasta carbonara/f;
    lentil stew=guiso de lentejas; chicken curry=pollo al curry; banana bread=pan de plátano;
    brownies/mp; cheesecake=tarta de queso/f; meatballs=albóndigas/fp; fried rice=arroz frito; hummus;
    vegetable soup=sopa de verduras/f; grilled salmon=salmón a la plancha; beef stew=estofado de ternera;
    caesar salad=ensalada césar/f; chocolate chip cookies=galletas con pepitas de chocolate/fp;
    homemade pizza=pizza casera/f; mashed potatoes=puré de patatas; croquettes=croquetas/fp""")
MESSAGES = _lex("""i'm on my way=voy de camino; i'm running late=llego tarde; dinner is ready=la cena está lista;
    i'll call you later=te llamo luego; the meeting is cancelled=la reunión se ha cancelado;
    i'm at the station=estoy en la estación; i'll be home late=llegaré tarde a casa; i love you=te quiero;
    i'm stuck in traffic=estoy en un atasco; the kids are asleep=los niños están dormidos;
    i need the car tomorrow=necesito el coche mañana; i forgot my keys=me he olvidado las llaves;
    the package has arrived=ha llegado el paquete; i'll be there in ten minutes=estaré allí en diez minutos;
    i'll pick up the kids=yo recojo a los niños; the flight is delayed=el vuelo va con retraso;
    i'm leaving work now=ya salgo del trabajo""")
SUBJECTS = _lex("""report=informe; budget=presupuesto; project=proyecto; invoice=factura/f; trip=viaje;
    party=fiesta/f; contract=contrato; schedule=horario; presentation=presentación/f;
    holidays=vacaciones/fp; meeting=reunión/f; rent=alquiler; wedding=boda/f; new website=nueva web/f;
    exam=examen; car=coche""")
DATES = (
    _lex("today=hoy; tomorrow=mañana; the day after tomorrow=pasado mañana")
    + [(f"next {en}", f"el próximo {es}", 0, False) for en, es, _, _ in DAYS]
    + [(f"this {en}", f"este {es}", 0, False) for en, es, _, _ in DAYS]
)
MONTH_DATES = [
    (f"{en} {en_ordinal(d)}", f"{es_num(d)} de {es}", 0, False)
    for (en, es, _, _), days in zip(MONTHS, _MONTH_DAYS)
    for d in range(1, days + 1)
]

# general-only lexicons
COMPANIES = _lex("""bank=banco; hospital; bookshop=librería/f; software company=empresa de software/f; hotel;
    law firm=bufete de abogados; bakery=panadería/f; factory=fábrica/f; newspaper=periódico;
    supermarket=supermercado; restaurant=restaurante; insurance company=aseguradora/f;
    travel agency=agencia de viajes/f; car dealership=concesionario; pharmacy=farmacia/f""")
SCHOOL_SUBJECTS = _lex("""math=matemáticas/fp; history=historia/f; chemistry=química/f; physics=física/f;
    english=inglés; biology=biología/f; geography=geografía/f; philosophy=filosofía/f;
    literature=literatura/f; music=música/f; art=arte; economics=economía/f; latin=latín; french=francés;
    computer science=informática/f""")
ANIMALS = _lex("""fox=zorro; deer=ciervo; owl=búho; wolf=lobo; squirrel=ardilla/f; wild boar=jabalí;
    heron=garza/f; hare=liebre/f; otter=nutria/f; stork=cigüeña/f; bear=oso; lynx=lince; frog=rana/f;
    duck=pato; badger=tejón; hedgehog=erizo; vulture=buitre; tortoise=tortuga/f""")
SPORTS = _lex("""football=fútbol; tennis=tenis; basketball=baloncesto; volleyball=voleibol; golf;
    handball=balonmano; chess=ajedrez; rugby; baseball=béisbol; hockey; padel=pádel;
    table tennis=tenis de mesa; water polo=waterpolo""")
TEAMS = _lex(
    """real madrid; barcelona; atletico madrid=atlético de madrid; sevilla; valencia; betis;
    liverpool; chelsea; juventus; bayern munich=bayern de múnich; ajax; boca juniors; river plate;
    benfica; porto; celtic; milan; arsenal; manchester united""",
    proper=True,
)
SCORES = [
    (f"{en_num(a)} to {en_num(b)}", f"{es_num(a)} a {es_num(b)}", 0, False)
    for a, b in ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2), (4, 0), (4, 1), (4, 2), (5, 1))
]
CLOTHES = _lex("""jacket=chaqueta/f; dress=vestido; coat=abrigo; sweater=jersey; skirt=falda/f; shirt=camisa/f;
    scarf=bufanda/f; hat=sombrero; suit=traje; raincoat=impermeable; blouse=blusa/f; cap=gorra/f;
    handbag=bolso; belt=cinturón""")
MONEY = _lex("""fifteen euros=quince euros; twenty euros=veinte euros; twenty five euros=veinticinco euros;
    thirty euros=treinta euros; thirty five euros=treinta y cinco euros; forty euros=cuarenta euros;
    fifty euros=cincuenta euros; sixty euros=sesenta euros; eighty euros=ochenta euros;
    a hundred euros=cien euros; a hundred and fifty euros=ciento cincuenta euros;
    two hundred euros=doscientos euros; three hundred euros=trescientos euros""")
PAINTERS = _lex(
    """goya; velazquez=velázquez; picasso; dali=dalí; miro=miró; frida kahlo/f; sorolla; el greco;
    monet; van gogh; rembrandt; vermeer; murillo; zurbaran=zurbarán; remedios varo/f; berthe morisot/f""",
    proper=True,
)
WRITERS = _lex(
    """cervantes; garcia marquez=garcía márquez; isabel allende/f; borges; lorca; pablo neruda;
    shakespeare; jane austen/f; agatha christie/f; tolkien; orwell; murakami; cortazar=cortázar;
    vargas llosa; gabriela mistral/f; emilia pardo bazan=emilia pardo bazán/f; virginia woolf/f;
    dickens; victor hugo=víctor hugo""",
    proper=True,
)
INSTRUMENTS = _lex("""guitar=guitarra/f; piano; violin=violín; drums=batería/f; saxophone=saxofón;
    cello=violonchelo; flute=flauta/f; trumpet=trompeta/f; accordion=acordeón""")

LEXICONS = {
    "time": _times(),
    "day": DAYS,
    "date": DATES,
    "mdate": MONTH_DATES,
    "month": MONTHS,
    "name": NAMES,
    "person": PERSONS,
    "kin": KIN,
    "city": CITIES,
    "country": COUNTRIES,
    "artist": ARTISTS,
    "song": SONGS,
    "genre": GENRES,
    "playlist": PLAYLISTS,
    "room": ROOMS,
    "device": DEVICES,
    "task": TASKS,
    "event": EVENTS,
    "topic": TOPICS,
    "source": SOURCES,
    "item": ITEMS,
    "food": FOOD,
    "mode": MODES,
    "place": PLACES,
    "dish": DISHES,
    "msg": MESSAGES,
    "subject": SUBJECTS,
    "duration": _durations(),
    "percent": [
        (f"{en_num(n)} percent", f"{es_num(n)} por {'cien' if n == 100 else 'ciento'}", 0, False)
        for n in range(5, 101, 5)
    ],
    "degrees": _counted(range(15, 31), "degrees", "grados"),
    "guests": [(en_num(n), es_num(n), 0, False) for n in range(2, 13)],
    "hours": _counted(range(2, 9), "hours", "horas") + _lex("an hour and a half=una hora y media/f"),
    "num": [(en_num(n), es_num(n), 0, False) for n in range(2, 21)],
    "tens": [(en_num(n), es_num(n), 0, False) for n in range(20, 100, 10)] + _lex("a hundred=cien"),
    "age": [(en_num(n), es_num(n, True), 0, False) for n in range(60, 96)],
    "km": _counted(range(3, 26), "kilometers", "kilómetros"),
    "freq": _lex("twice=dos veces; three times=tres veces; four times=cuatro veces"),
    "year": [(str(y), str(y), 0, False) for y in range(1492, 1990)],
    "company": COMPANIES,
    "subj": SCHOOL_SUBJECTS,
    "animal": ANIMALS,
    "sport": SPORTS,
    "team": TEAMS,
    "score": SCORES,
    "clothing": CLOTHES,
    "money": MONEY,
    "painter": PAINTERS,
    "writer": WRITERS,
    "instrument": INSTRUMENTS,
}
# English words that keep a capital in general.tsv (applied inside slot values)
EN_CASE = {w: w.capitalize() for w in [e for e, *_ in DAYS + MONTHS] + ["english", "french", "latin", "spanish"]}
EN_CASE |= {"i": "I", "tv": "TV"}
