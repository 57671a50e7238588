"""Seeded, offline demo data: Spanish/English assistant utterances plus general bitext.

`generate(out_dir)` writes
  in_domain.jsonl  MASSIVE-like utterance pairs (lower-case, no punctuation) with slot markup
                   `<a>value<a>`, `<b>value<b>`, ... (same letter = same slot on both sides);
  general.tsv      `origin<TAB>eng<TAB>spa` Tatoeba-like bitext: ~assistant_share of it
                   assistant-style sentences sharing the slot lexicons (but worded differently
                   from every in-domain template), the rest longer sentences on other topics.

Everything comes from the templates and lexicons below and `random.Random(seed)`.

Template syntax (one pair per line, `english | spanish`):
  {city}, {city2}   a slot filled from lexicon `city` (a digit suffix draws another value)
  {el:room}         a word chosen by the slot's gender/number (see MARKS), outside the slot
  {a:animal}        English "a"/"an" for the slot's English value
Lexicon syntax: `en=es/g; ...` (es defaults to en, g in m f mp fp, default m).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

from lmboot.corpus import atomic_write

GENDERS = ("m", "f", "mp", "fp")
MARKS = {  # indexed by GENDERS
    "el": ("el", "la", "los", "las"), "del": ("del", "de la", "de los", "de las"),
    "al": ("al", "a la", "a los", "a las"), "un": ("un", "una", "unos", "unas"),
    "este": ("este", "esta", "estos", "estas"), "su": ("su", "su", "sus", "sus"),
    "o": ("o", "a", "os", "as"), "lo": ("lo", "la", "los", "las"),
    "es": ("", "", "es", "es"), "n": ("", "", "n", "n"),
    "he": ("he", "she", "they", "they"), "his": ("his", "her", "their", "their"),
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


def _pairs(spec: str) -> list[tuple[str, str]]:
    """'english | spanish' lines -> [(en, es)]; both sides must use the same slots."""
    pairs = []
    for line in spec.strip().splitlines():
        en, es = (side.strip() for side in line.split("|"))
        if set(_slot_keys(en)) != set(_slot_keys(es)) or not _all_keys(en + es) <= set(_slot_keys(en)):
            raise AssertionError(f"slot mismatch in template: {line}")
        pairs.append((en, es))
    return pairs


def _slot_keys(template: str) -> list[str]:
    """Slot keys in order of appearance (marker-only references excluded)."""
    return list(dict.fromkeys(m[2] for m in PLACEHOLDER.finditer(template) if not m[1]))


def _all_keys(template: str) -> set[str]:
    return {m[2] for m in PLACEHOLDER.finditer(template)}


# --- numbers ---------------------------------------------------------------------------
_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ES_UNITS = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
             "quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
             "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve").split()
_ES_TENS = "_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_EN_ORD = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
           "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()


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
    minutes = (("", ""), (" ten", " y diez"), (" fifteen", " y cuarto"), (" thirty", " y media"),
               (" forty five", " y cuarenta y cinco"))
    times = []
    for h in range(1, 13):
        en_h, es_h, g = en_num(h), "una" if h == 1 else es_num(h), 1 if h == 1 else 3
        for en_m, es_m in minutes:
            am = "de la noche" if h == 12 else "de la madrugada" if h < 6 else "de la mañana"
            pm = "del mediodía" if h == 12 else "de la tarde" if h < 8 else "de la noche"
            times += [(f"{en_h}{en_m} am", f"{es_h}{es_m} {am}", g, False),
                      (f"{en_h}{en_m} pm", f"{es_h}{es_m} {pm}", g, False)]
        times += [(f"half past {en_h}", f"{es_h} y media", g, False),
                  (f"quarter past {en_h}", f"{es_h} y cuarto", g, False),
                  (f"{en_h} o'clock", f"{es_h} en punto", g, False)]
    return times + _lex("noon=mediodía; midnight=medianoche/f")


def _durations() -> list[tuple]:
    minutes = [(en_num(n) + " minutes", es_num(n) + " minutos", 0, False)
               for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50)]
    seconds = [(en_num(n) + " seconds", es_num(n) + " segundos", 0, False) for n in (10, 15, 20, 30, 40, 45, 50)]
    return minutes + seconds + _lex(
        "one minute=un minuto; one hour=una hora/f; two hours=dos horas/fp; three hours=tres horas/fp; "
        "half an hour=media hora/f; an hour and a half=una hora y media/f; "
        "a minute and a half=un minuto y medio; two and a half hours=dos horas y media/fp; "
        "one hour and fifteen minutes=una hora y cuarto/f")


DAYS = _lex("monday=lunes; tuesday=martes; wednesday=miércoles; thursday=jueves; friday=viernes; "
            "saturday=sábado; sunday=domingo")
MONTHS = _lex("january=enero; february=febrero; march=marzo; april=abril; may=mayo; june=junio; "
              "july=julio; august=agosto; september=septiembre; october=octubre; "
              "november=noviembre; december=diciembre")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# --- slot lexicons -----------------------------------------------------------------------
NAMES = _lex("""maria=maría/f; jose=josé; lucia=lucía/f; carlos; ana/f; javier; laura/f; david;
    sofia=sofía/f; pablo; elena/f; miguel; carmen/f; diego; paula/f; alejandro; marta/f; sergio;
    isabel/f; andres=andrés; raquel/f; jorge; cristina/f; raul=raúl; beatriz/f; alvaro=álvaro;
    nuria/f; ruben=rubén; hugo; john; emma/f; peter; sarah/f; james; olivia/f; tom; kate/f; daniel;
    julia/f; martin=martín; ines=inés/f; ramon=ramón; monica=mónica/f; lola/f""", proper=True)
KIN = _lex("""sister=hermana/f; brother=hermano; mother=madre/f; father=padre; grandmother=abuela/f;
    grandfather=abuelo; aunt=tía/f; uncle=tío; cousin=primo; daughter=hija/f; son=hijo; wife=mujer/f;
    husband=marido; niece=sobrina/f; nephew=sobrino; boss=jefe; neighbor=vecina/f;
    best friend=mejor amigo; girlfriend=novia/f; boyfriend=novio""")
PERSONS = NAMES + [(f"my {en}", f"mi {es}", g, False) for en, es, g, _ in KIN] + _lex("mom=mamá/f; dad=papá")
CITIES = _lex("""madrid; barcelona; seville=sevilla; valencia; bilbao; malaga=málaga; granada; zaragoza;
    cordoba=córdoba; salamanca; toledo; cadiz=cádiz; san sebastian=san sebastián; santander; pamplona;
    valladolid; oviedo; alicante; murcia; london=londres; paris=parís; rome=roma; berlin=berlín;
    lisbon=lisboa; new york=nueva york; mexico city=ciudad de méxico; buenos aires; lima;
    bogota=bogotá; santiago; tokyo=tokio; amsterdam=ámsterdam; dublin=dublín; vienna=viena;
    prague=praga; athens=atenas; moscow=moscú; boston; chicago; miami; los angeles=los ángeles;
    montevideo; quito; havana=la habana; florence=florencia; munich=múnich; geneva=ginebra;
    edinburgh=edimburgo; brussels=bruselas; stockholm=estocolmo""", proper=True)
COUNTRIES = _lex("""spain=españa; france=francia; germany=alemania; italy=italia; portugal; mexico=méxico;
    argentina; chile; peru=perú; colombia; japan=japón; china; brazil=brasil; canada=canadá;
    morocco=marruecos; greece=grecia; norway=noruega; sweden=suecia; ireland=irlanda; egypt=egipto;
    india; australia; turkey=turquía; poland=polonia; scotland=escocia; switzerland=suiza; austria;
    belgium=bélgica; cuba; uruguay; ecuador; kenya=kenia; vietnam; thailand=tailandia;
    finland=finlandia; denmark=dinamarca; croatia=croacia; hungary=hungría;
    south korea=corea del sur; new zealand=nueva zelanda""", proper=True)
ARTISTS = _lex("""shakira; the beatles; queen; rosalia=rosalía; bad bunny; taylor swift; adele; coldplay;
    alejandro sanz; juanes; ed sheeran; beyonce=beyoncé; madonna; estopa; manu chao; bruce springsteen;
    elton john; david bowie; michael jackson; frank sinatra; norah jones; miles davis;
    pablo alboran=pablo alborán; julio iglesias; karol g; dua lipa; the rolling stones; abba; mecano;
    joaquin sabina=joaquín sabina; ricky martin; celia cruz; jorge drexler; c tangana""", proper=True)
SONGS = _lex("""despacito; bohemian rhapsody; imagine; yesterday; hotel california; la bamba; bailando;
    hey jude; let it be; thriller; billie jean; wonderwall; hallelujah; shape of you; bad guy;
    rolling in the deep; someone like you; la macarena; vivir mi vida; viva la vida; clocks; yellow;
    dancing queen; purple rain; halo; hips don't lie; la flaca; corazón partío; la tortura; bamboleo""",
               proper=True)
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
SOURCES = _lex("""reuters; cnn; el pais=el país; el mundo; the guardian; the new york times; la vanguardia;
    npr; al jazeera; rtve; abc; euronews""", proper=True)
FOOD = _lex("""milk=leche/f; eggs=huevos/mp; bread=pan; butter=mantequilla/f; cheese=queso; rice=arroz;
    pasta/f; tomatoes=tomates/mp; potatoes=patatas/fp; onions=cebollas/fp; garlic=ajo; apples=manzanas/fp;
    bananas=plátanos/mp; oranges=naranjas/fp; lemons=limones/mp; strawberries=fresas/fp; grapes=uvas/fp;
    carrots=zanahorias/fp; lettuce=lechuga/f; chicken=pollo; fish=pescado; salmon=salmón; tuna=atún;
    ham=jamón; yogurt=yogur; coffee=café; tea=té; sugar=azúcar; salt=sal/f; flour=harina/f;
    olive oil=aceite de oliva; orange juice=zumo de naranja; cereal=cereales/mp; beer=cerveza/f; red wine=vino tinto; chocolate; cookies=galletas/fp; peppers=pimientos/mp;
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
DATES = (_lex("today=hoy; tomorrow=mañana; the day after tomorrow=pasado mañana")
         + [(f"next {en}", f"el próximo {es}", 0, False) for en, es, _, _ in DAYS]
         + [(f"this {en}", f"este {es}", 0, False) for en, es, _, _ in DAYS])
MONTH_DATES = [(f"{en} {en_ordinal(d)}", f"{es_num(d)} de {es}", 0, False)
               for (en, es, _, _), days in zip(MONTHS, _MONTH_DAYS) for d in range(1, days + 1)]

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
TEAMS = _lex("""real madrid; barcelona; atletico madrid=atlético de madrid; sevilla; valencia; betis;
    liverpool; chelsea; juventus; bayern munich=bayern de múnich; ajax; boca juniors; river plate;
    benfica; porto; celtic; milan; arsenal; manchester united""", proper=True)
SCORES = [(f"{en_num(a)} to {en_num(b)}", f"{es_num(a)} a {es_num(b)}", 0, False)
          for a, b in ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2), (4, 0), (4, 1), (4, 2), (5, 1))]
CLOTHES = _lex("""jacket=chaqueta/f; dress=vestido; coat=abrigo; sweater=jersey; skirt=falda/f; shirt=camisa/f;
    scarf=bufanda/f; hat=sombrero; suit=traje; raincoat=impermeable; blouse=blusa/f; cap=gorra/f;
    handbag=bolso; belt=cinturón""")
MONEY = _lex("""fifteen euros=quince euros; twenty euros=veinte euros; twenty five euros=veinticinco euros;
    thirty euros=treinta euros; thirty five euros=treinta y cinco euros; forty euros=cuarenta euros;
    fifty euros=cincuenta euros; sixty euros=sesenta euros; eighty euros=ochenta euros;
    a hundred euros=cien euros; a hundred and fifty euros=ciento cincuenta euros;
    two hundred euros=doscientos euros; three hundred euros=trescientos euros""")
PAINTERS = _lex("""goya; velazquez=velázquez; picasso; dali=dalí; miro=miró; frida kahlo/f; sorolla; el greco;
    monet; van gogh; rembrandt; vermeer; murillo; zurbaran=zurbarán; remedios varo/f; berthe morisot/f""",
                proper=True)
WRITERS = _lex("""cervantes; garcia marquez=garcía márquez; isabel allende/f; borges; lorca; pablo neruda;
    shakespeare; jane austen/f; agatha christie/f; tolkien; orwell; murakami; cortazar=cortázar;
    vargas llosa; gabriela mistral/f; emilia pardo bazan=emilia pardo bazán/f; virginia woolf/f;
    dickens; victor hugo=víctor hugo""", proper=True)
INSTRUMENTS = _lex("""guitar=guitarra/f; piano; violin=violín; drums=batería/f; saxophone=saxofón;
    cello=violonchelo; flute=flauta/f; trumpet=trompeta/f; accordion=acordeón""")

LEXICONS = {
    "time": _times(), "day": DAYS, "date": DATES, "mdate": MONTH_DATES, "month": MONTHS,
    "name": NAMES, "person": PERSONS, "kin": KIN, "city": CITIES, "country": COUNTRIES,
    "artist": ARTISTS, "song": SONGS, "genre": GENRES, "playlist": PLAYLISTS, "room": ROOMS,
    "device": DEVICES, "task": TASKS, "event": EVENTS, "topic": TOPICS, "source": SOURCES,
    "item": ITEMS, "food": FOOD, "mode": MODES, "place": PLACES, "dish": DISHES, "msg": MESSAGES,
    "subject": SUBJECTS, "duration": _durations(),
    "percent": [(f"{en_num(n)} percent", f"{es_num(n)} por {'cien' if n == 100 else 'ciento'}", 0, False)
                for n in range(5, 101, 5)],
    "degrees": _counted(range(15, 31), "degrees", "grados"),
    "guests": [(en_num(n), es_num(n), 0, False) for n in range(2, 13)],
    "hours": _counted(range(2, 9), "hours", "horas") + _lex("an hour and a half=una hora y media/f"),
    "num": [(en_num(n), es_num(n), 0, False) for n in range(2, 21)],
    "tens": [(en_num(n), es_num(n), 0, False) for n in range(20, 100, 10)] + _lex("a hundred=cien"),
    "age": [(en_num(n), es_num(n, True), 0, False) for n in range(60, 96)],
    "km": _counted(range(3, 26), "kilometers", "kilómetros"),
    "freq": _lex("twice=dos veces; three times=tres veces; four times=cuatro veces"),
    "year": [(str(y), str(y), 0, False) for y in range(1492, 1990)],
    "company": COMPANIES, "subj": SCHOOL_SUBJECTS, "animal": ANIMALS, "sport": SPORTS, "team": TEAMS,
    "score": SCORES, "clothing": CLOTHES, "money": MONEY, "painter": PAINTERS, "writer": WRITERS,
    "instrument": INSTRUMENTS,
}
# English words that keep a capital in general.tsv (applied inside slot values)
EN_CASE = {w: w.capitalize() for w in [e for e, *_ in DAYS + MONTHS] + ["english", "french", "latin", "spanish"]}
EN_CASE |= {"i": "I", "tv": "TV"}

# --- in-domain templates (lower case, no punctuation) -----------------------------------------
SCENARIOS = {name: _pairs(spec) for name, spec in {
    "alarm": """
wake me up at {time} {date} | despiértame {al:time} {time} {date}
set an alarm for {time} | pon una alarma para {el:time} {time}
set an alarm for {time} on {day} | pon una alarma para {el:time} {time} el {day}
cancel my {time} alarm | cancela la alarma {del:time} {time}
change my alarm to {time} | cambia mi alarma {al:time} {time}
what alarms do i have {date} | qué alarmas tengo {date}
set an alarm every day at {time} | pon una alarma todos los días {al:time} {time}
wake me up {duration} before my {event} | despiértame {duration} antes de mi {event}""",
    "weather": """
what's the weather like in {city} {date} | qué tiempo va a hacer en {city} {date}
will it rain in {city} {date} | va a llover en {city} {date}
do i need an umbrella {date} | voy a necesitar paraguas {date}
what's the temperature in {city} right now | qué temperatura hace ahora en {city}
is it going to snow in {city} on {day} | va a nevar en {city} el {day}
how hot will it be {date} | cuánto calor va a hacer {date}
what's the forecast for {city} on {mdate} | cuál es la previsión para {city} el {mdate}
is it windy in {city} | hace viento en {city}""",
    "music": """
play {song} | pon {song}
play something by {artist} | pon algo de {artist}
play some {genre} | pon algo de {genre}
play {genre} in the {room} | pon {genre} en {el:room} {room}
set the volume to {percent} | pon el volumen al {percent}
add this song to my {playlist} playlist | añade esta canción a mi lista de {playlist}
play the latest album by {artist} | pon el último disco de {artist}
play {song} in the {room} | pon {song} en {el:room} {room}
who sings {song} | quién canta {song}""",
    "iot": """
turn on the {device} in the {room} | enciende {el:device} {device} {del:room} {room}
turn off the lights in the {room} | apaga las luces {del:room} {room}
dim the {room} lights to {percent} | baja las luces {del:room} {room} al {percent}
set the {room} temperature to {degrees} | pon la temperatura {del:room} {room} a {degrees}
is the {device} on | está encendid{o:device} {el:device} {device}
turn off the {device} at {time} | apaga {el:device} {device} {al:time} {time}
switch on the {device} | enciende {el:device} {device}
turn the heating up to {degrees} | sube la calefacción a {degrees}""",
    "reminder": """
remind me to {task} {date} | recuérdame {task} {date}
remind me to {task} at {time} | recuérdame {task} {al:time} {time}
remind me to {task} in {duration} | recuérdame {task} dentro de {duration}
set a reminder to {task} on {mdate} | pon un recordatorio para {task} el {mdate}
what reminders do i have for {date} | qué recordatorios tengo para {date}
delete the reminder to {task} | borra el recordatorio de {task}
remind me on {day} that i have to {task} | recuérdame el {day} que tengo que {task}
remind me to call {person} at {time} | recuérdame llamar a {person} {al:time} {time}""",
    "timer": """
set a timer for {duration} | pon un temporizador de {duration}
set a timer for {duration} for the {dish} | pon un temporizador de {duration} para {el:dish} {dish}
cancel the timer for the {dish} | cancela el temporizador {del:dish} {dish}
start a countdown of {duration} | empieza una cuenta atrás de {duration}
add {duration} to the timer | añade {duration} al temporizador
how much time is left on the {dish} timer | cuánto le queda al temporizador {del:dish} {dish}
pause the timer in the {room} | pausa el temporizador {del:room} {room}
set a timer for {duration} in the {room} | pon un temporizador de {duration} en {el:room} {room}""",
    "calendar": """
what's on my calendar {date} | qué tengo en el calendario {date}
schedule a meeting with {person} {date} at {time} | programa una reunión con {person} {date} {al:time} {time}
put my {event} on the calendar for {day} | apunta mi {event} en el calendario para el {day}
when is my next {event} | cuándo es mi próxim{o:event} {event}
cancel my {event} on {mdate} | cancela mi {event} del {mdate}
move my meeting with {person} to {day} | cambia mi reunión con {person} al {day}
am i free {date} at {time} | estoy libre {date} {al:time} {time}
do i have anything on {mdate} | tengo algo el {mdate}""",
    "news": """
what's the latest {topic} news | cuáles son las últimas noticias de {topic}
read me the news from {source} | léeme las noticias de {source}
is there any news about {city} | hay alguna noticia sobre {city}
tell me the {topic} headlines from {source} | dime los titulares de {topic} de {source}
what's happening in {city} today | qué está pasando hoy en {city}
play the {source} podcast | pon el pódcast de {source}
any news about {artist} | hay noticias de {artist}
give me the {topic} news from {country} | dame las noticias de {topic} de {country}""",
    "shopping": """
add {item} to my shopping list | añade {item} a mi lista de la compra
put {item} and {item2} on the shopping list | pon {item} y {item2} en la lista de la compra
remove {item} from my shopping list | quita {item} de mi lista de la compra
what's on my shopping list for {day} | qué hay en mi lista de la compra para el {day}
did i add {item} to the list | he añadido {item} a la lista
order {item} from the supermarket | pide {item} al supermercado
add {item} {item2} and {item3} to the list | añade {item} {item2} y {item3} a la lista
do we still need {item} | todavía necesitamos {item}""",
    "transport": """
how long does it take to get to {city} {mode} | cuánto se tarda en llegar a {city} {mode}
is there traffic on the way to the {place} | hay tráfico de camino {al:place} {place}
when is the next train to {city} | cuándo sale el próximo tren a {city}
book a taxi to the {place} at {time} | pide un taxi {al:place} {place} para {el:time} {time}
how do i get to the {place} {mode} | cómo llego {al:place} {place} {mode}
buy a train ticket to {city} for {date} | compra un billete de tren a {city} para {date}
what's the traffic like on the way to {city} | cómo está el tráfico de camino a {city}
find me a flight from {city} to {city2} on {mdate} | búscame un vuelo de {city} a {city2} el {mdate}""",
    "cooking": """
how do i make {dish} | cómo se hace{n:dish} {el:dish} {dish}
give me a recipe for {dish} | dame una receta de {dish}
what can i cook with {food} and {food2} | qué puedo cocinar con {food} y {food2}
what ingredients do i need for {dish} | qué ingredientes necesito para hacer {dish}
how long does it take to make {dish} | cuánto se tarda en hacer {dish}
how many calories are in {dish} | cuántas calorías hay en {el:dish} {dish}
find me a vegetarian recipe with {food} | búscame una receta vegetariana con {food}
how do i cook {dish} for {guests} people | cómo hago {dish} para {guests} personas""",
    "datetime": """
what time is it in {city} | qué hora es en {city}
what day of the week is {mdate} | qué día de la semana cae el {mdate}
how many days until {mdate} | cuántos días faltan para el {mdate}
what's the date {date} | qué fecha es {date}
what's the time difference between {city} and {city2} | qué diferencia horaria hay entre {city} y {city2}
what time does the sun set in {city} {date} | a qué hora se pone el sol en {city} {date}
what time is sunrise in {city} on {day} | a qué hora amanece en {city} el {day}
is {mdate} a holiday | es festivo el {mdate}""",
    "email": """
send a message to {person} saying {msg} | envía un mensaje a {person} diciendo que {msg}
text {person} that {msg} | escribe a {person} que {msg}
call {person} | llama a {person}
email {person} about the {subject} | envía un correo a {person} sobre {el:subject} {subject}
read my last message from {person} | lee mi último mensaje de {person}
do i have any new emails from {person} | tengo correos nuevos de {person}
call {person} on speaker | llama a {person} con el altavoz
reply to {person} that {msg} | responde a {person} que {msg}""",
}.items()}

# --- general bitext: assistant-style requests, worded unlike any in-domain template ---------------
ASSISTANT = _pairs("""
Could you wake me up at {time} {date}, please? | ¿Podrías despertarme {al:time} {time} {date}, por favor?
I need an alarm at {time} on {day}. | Necesito una alarma {al:time} {time} el {day}.
Please don't let me sleep past {time} {date}. | Por favor, no me dejes dormir después {del:time} {time} {date}.
Can you tell me what the weather will be like in {city} {date}? | ¿Me puedes decir qué tiempo hará en {city} {date}?
I'm going to {city} on {day}; will I need a coat? | Voy a {city} el {day}; ¿necesitaré abrigo?
Could you check if it's going to rain in {city}? | ¿Puedes mirar si va a llover en {city}?
Could you put on some {genre} for me? | ¿Me pones algo de {genre}?
I'd like to listen to {song}, please. | Me gustaría escuchar {song}, por favor.
Can you play something by {artist} in the {room}? | ¿Puedes poner algo de {artist} en {el:room} {room}?
Could you turn on the {device} in the {room}? | ¿Podrías encender {el:device} {device} {del:room} {room}?
Please turn off all the lights in the {room} when I leave. | Por favor, apaga todas las luces {del:room} {room} cuando me vaya.
It's cold in the {room}; can you set it to {degrees}? | Hace frío en {el:room} {room}; ¿puedes ponerlo a {degrees}?
Can you remind me to {task} {date}? | ¿Puedes recordarme {task} {date}?
Don't let me forget to {task} at {time}. | No dejes que se me olvide {task} {al:time} {time}.
I need a reminder to {task} in {duration}. | Necesito un recordatorio para {task} dentro de {duration}.
Could you start a timer for {duration}? | ¿Podrías poner un temporizador de {duration}?
Let me know in {duration} so I can check the {dish}. | Avísame dentro de {duration} para que mire {el:dish} {dish}.
Could you add my {event} to the calendar for {mdate}? | ¿Podrías apuntar mi {event} en el calendario para el {mdate}?
I'd like to know if I have anything planned {date}. | Me gustaría saber si tengo algo previsto {date}.
Please set up a meeting with {person} on {day} at {time}. | Por favor, organiza una reunión con {person} el {day} {al:time} {time}.
Can you tell me the latest {topic} news? | ¿Me cuentas las últimas noticias de {topic}?
I'd like to hear what {source} is saying about {city}. | Me gustaría saber qué dice {source} sobre {city}.
Please don't let me forget to buy {item}. | Por favor, que no se me olvide comprar {item}.
Could you put {item} and {item2} on my list? | ¿Podrías apuntar {item} y {item2} en mi lista?
We've run out of {item}, please put that on the list. | Se nos ha{n:item} acabado {el:item} {item}, por favor, apúnta{lo:item} en la lista.
Can you tell me how long it takes to get to {city} {mode}? | ¿Me puedes decir cuánto se tarda en llegar a {city} {mode}?
I need a taxi to the {place} at {time}. | Necesito un taxi {al:place} {place} para {el:time} {time}.
Could you check the traffic on the way to {city}? | ¿Podrías mirar cómo está el tráfico de camino a {city}?
Can you tell me how to make {dish}? | ¿Me explicas cómo se hace{n:dish} {el:dish} {dish}?
I'd like a simple recipe for {dish} for {guests} people. | Me gustaría una receta sencilla de {dish} para {guests} personas.
What could I cook tonight with {food} and {food2}? | ¿Qué podría cocinar esta noche con {food} y {food2}?
Could you tell me what time it is in {city}? | ¿Podrías decirme qué hora es en {city}?
I'd like to know how many days are left until {mdate}. | Me gustaría saber cuántos días quedan para el {mdate}.
Please send {person} a message saying that {msg}. | Por favor, envía a {person} un mensaje diciendo que {msg}.
Could you call {person} for me? | ¿Podrías llamar a {person}?
I want to write an email to {person} about the {subject}. | Quiero escribir un correo a {person} sobre {el:subject} {subject}.
""")

# --- general bitext on other topics (sentence case, punctuation) --------------------------------
TOPIC_TEMPLATES = {name: _pairs(spec) for name, spec in {
    "travel": """
{name} is in {city} this week. | {name} está en {city} esta semana.
Our train leaves at {time}. | Nuestro tren sale {al:time} {time}.
{name} is going to spend a week in {city} with {his:name} {kin}. | {name} va a pasar una semana en {city} con su {kin}.
We missed the last train to {city}, so we had to spend the night at the station. | Perdimos el último tren a {city}, así que tuvimos que pasar la noche en la estación.
The flight from {city} to {city2} was delayed for more than {hours} because of the storm. | El vuelo de {city} a {city2} se retrasó más de {hours} por culpa de la tormenta.
Have you ever been to {country}? | ¿Has estado alguna vez en {country}?
I would love to live in {city} for a year to learn the language. | Me encantaría vivir un año en {city} para aprender el idioma.
When {name} arrived in {city}, {he:name} realized that {he:name} had left {his:name} passport at home. | Cuando {name} llegó a {city}, se dio cuenta de que se había dejado el pasaporte en casa.
The hotel where we stayed in {city} was small but very clean. | El hotel en el que nos alojamos en {city} era pequeño pero muy limpio.
Next {month} my {kin} and I are going to travel around {country} by train. | El próximo mes de {month}, mi {kin} y yo vamos a recorrer {country} en tren.
{name} says that the best time to visit {country} is in {month}. | {name} dice que la mejor época para visitar {country} es en {month}.
It took us {hours} to drive from {city} to {city2} because of the traffic. | Tardamos {hours} en ir en coche de {city} a {city2} por el tráfico.""",
    "food": """
{name} doesn't like {food}. | A {name} no le gusta{n:food} {el:food} {food}.
We're having {dish} tonight. | Esta noche cenamos {dish}.
My {kin} makes the best {dish} I have ever tasted. | Mi {kin} hace {el:dish} mejor{es:dish} {dish} que he probado nunca.
We had {dish} for dinner and then went for a walk along the river. | Cenamos {dish} y después fuimos a dar un paseo por el río.
{name} is learning to cook {dish} because {his:name} friends are coming for dinner on {day}. | {name} está aprendiendo a hacer {dish} porque sus amigos vienen a cenar el {day}.
This restaurant in {city} is famous for its {dish}, but it is always full. | Este restaurante de {city} es famoso por {su:dish} {dish}, pero siempre está lleno.
I forgot to buy {item} again, so we will have to go back to the shop. | Se me ha olvidado otra vez comprar {item}, así que tendremos que volver a la tienda.
Nobody at the table wanted to try the {dish} that {name} had made. | Nadie en la mesa quiso probar {el:dish} {dish} que había preparado {name}.
In {city} people have dinner much later than in {city2}. | En {city} la gente cena mucho más tarde que en {city2}.
Don't forget to take the {dish} out of the oven in {duration}. | No te olvides de sacar {el:dish} {dish} del horno dentro de {duration}.""",
    "family": """
My {kin} lives in {country}. | Mi {kin} vive en {country}.
I'll call my {kin} on {day}. | El {day} llamo a mi {kin}.
My {kin} lives in {city} and comes to visit us every summer. | Mi {kin} vive en {city} y viene a visitarnos todos los veranos.
{name}'s grandparents met at a dance in {city} more than fifty years ago. | Los abuelos de {name} se conocieron en un baile en {city} hace más de cincuenta años.
My {kin} is {age} years old and still goes for a walk every morning. | Mi {kin} tiene {age} años y todavía sale a caminar todas las mañanas.
We are celebrating {name}'s birthday at {his:name} {kin}'s house on {day}. | Celebramos el cumpleaños de {name} en casa de su {kin} el {day}.
When I was a child, my {kin} used to tell me stories about {country}. | Cuando era pequeño, mi {kin} me contaba historias de {country}.
{name} and {his:name} {kin} have not spoken to each other for years. | {name} y su {kin} llevan años sin hablarse.
The whole family got together at my {kin}'s house for Christmas. | Toda la familia se reunió en casa de mi {kin} por Navidad.
My {kin} moved to {city} after finding a job at {a:company} {company}. | Mi {kin} se mudó a {city} después de encontrar trabajo en {un:company} {company}.
Is your {kin} coming to the party on {day}? | ¿Viene tu {kin} a la fiesta del {day}?""",
    "work": """
{name} works at {a:company} {company}. | {name} trabaja en {un:company} {company}.
{name} has been working at {a:company} {company} in {city} for {num} years. | {name} lleva {num} años trabajando en {un:company} {company} de {city}.
The meeting with the clients from {country} has been moved to {day} afternoon. | La reunión con los clientes de {country} se ha cambiado al {day} por la tarde.
My boss asked me to finish the {subject} before {day}. | Mi jefe me pidió que terminara {el:subject} {subject} antes del {day}.
{name} is looking for another job because {he:name} is not happy at the {company}. | {name} está buscando otro trabajo porque no está content{o:name} en {el:company} {company}.
After {num} years in {city}, {name} decided to open {his:name} own {company}. | Después de {num} años en {city}, {name} decidió abrir {su:company} propi{o:company} {company}.
The new office in {city} will employ more than {tens} people starting in {month}. | La nueva oficina de {city} dará trabajo a más de {tens} personas a partir de {month}.
Could you send me the {subject} by email before the meeting? | ¿Podrías enviarme {el:subject} {subject} por correo antes de la reunión?
I have to work late on {day}, so I won't be able to come to dinner. | El {day} tengo que trabajar hasta tarde, así que no podré venir a cenar.""",
    "school": """
{name} is studying {subj}. | {name} estudia {subj}.
The {subj} exam is on {day}, and I haven't started studying yet. | El examen de {subj} es el {day} y todavía no he empezado a estudiar.
Our {subj} teacher gives us too much homework every weekend. | Nuestro profesor de {subj} nos pone demasiados deberes todos los fines de semana.
{name} got the best grade in the class in {subj} this year. | {name} sacó la mejor nota de la clase en {subj} este año.
The students from {city} are going on a school trip to {city2} in {month}. | Los alumnos de {city} se van de excursión a {city2} en {month}.
{name} wants to study {subj} at the University of {city}. | {name} quiere estudiar {subj} en la Universidad de {city}.
Can you help me with my {subj} homework? | ¿Me ayudas con los deberes de {subj}?
My {kin} teaches {subj} at a secondary school in {city}. | Mi {kin} da clases de {subj} en un instituto de {city}.
The school library is closed until {day}. | La biblioteca del colegio está cerrada hasta el {day}.""",
    "nature": """
It's raining in {city} again. | Otra vez está lloviendo en {city}.
Last {month} it rained so much in {city} that the river overflowed. | El pasado mes de {month} llovió tanto en {city} que el río se desbordó.
The snow arrived early this year in the mountains north of {city}. | Este año la nieve llegó pronto a las montañas del norte de {city}.
We walked for {hours} through the forest without seeing a single bird. | Caminamos durante {hours} por el bosque sin ver ni un solo pájaro.
In {country} the summers are long and the winters are quite mild. | En {country} los veranos son largos y los inviernos bastante suaves.
Early in the morning we saw {a:animal} {animal} drinking water near the lake. | Por la mañana temprano vimos {un:animal} {animal} bebiendo agua cerca del lago.
It was so hot in {city} on {day} that nobody went out until the evening. | El {day} hizo tanto calor en {city} que nadie salió a la calle hasta la noche.
In spring the fields around {city} are full of flowers. | En primavera los campos de los alrededores de {city} se llenan de flores.
The {animal} is one of the most endangered animals in {country}. | {el:animal} {animal} es uno de los animales más amenazados de {country}.""",
    "sports": """
{name} plays {sport} every week. | {name} juega al {sport} todas las semanas.
{team} beat {team2} {score} on {day} and is now top of the league. | El {team} ganó {score} al {team2} el {day} y ya es líder de la liga.
{name} runs {km} every morning before going to work. | {name} corre {km} todas las mañanas antes de ir a trabajar.
My {kin} has been playing {sport} since {he:kin} was {num} years old. | Mi {kin} juega al {sport} desde que tenía {num} años.
The {sport} final will be played in {city} on {mdate}. | La final de {sport} se jugará en {city} el {mdate}.
Thousands of fans waited for hours outside the stadium to see {team} arrive. | Miles de aficionados esperaron durante horas a las puertas del estadio para ver llegar al {team}.
{name} broke {his:name} leg playing {sport} and will miss the rest of the season. | {name} se rompió la pierna jugando al {sport} y se perderá el resto de la temporada.
Do you want to play {sport} with us on {day}? | ¿Quieres jugar al {sport} con nosotros el {day}?
The coach of {team} said after the match that the team had played very badly. | El entrenador del {team} dijo después del partido que el equipo había jugado muy mal.""",
    "health": """
{name} has a cold. | {name} está resfriad{o:name}.
{name} is very tired today. | {name} está muy cansad{o:name} hoy.
The doctor told {name} to drink more water and sleep at least eight hours a night. | El médico le dijo a {name} que bebiera más agua y durmiera al menos ocho horas cada noche.
I have had a terrible headache since {day} morning. | Tengo un dolor de cabeza horrible desde el {day} por la mañana.
My {kin} has to take these pills {freq} a day for two weeks. | Mi {kin} tiene que tomar estas pastillas {freq} al día durante dos semanas.
{name} feels much better since {he:name} started walking every day. | {name} se encuentra mucho mejor desde que empezó a caminar todos los días.
The new hospital in {city} will open in {month}, according to the regional government. | El nuevo hospital de {city} abrirá en {month}, según el gobierno regional.
Eating {food} every day is not as healthy as many people think. | Comer {food} todos los días no es tan sano como mucha gente cree.
{name} has been in bed with the flu since {day}. | {name} lleva en la cama con gripe desde el {day}.
My {kin} has an appointment with the dentist on {mdate}. | Mi {kin} tiene cita con el dentista el {mdate}.""",
    "news": """
The government of {country} announced on {day} a new plan to reduce unemployment over the next {num} years. | El gobierno de {country} anunció el {day} un nuevo plan para reducir el desempleo en los próximos {num} años.
According to a recent study, the number of tourists visiting {city} has grown by {percent} in the last decade. | Según un estudio reciente, el número de turistas que visitan {city} ha crecido un {percent} en la última década.
Thousands of people gathered in the main square of {city} on {day} to protest against the rising cost of housing. | Miles de personas se concentraron el {day} en la plaza mayor de {city} para protestar contra la subida del precio de la vivienda.
The president of {country} will meet the leaders of {country2} next week to discuss trade and energy. | El presidente de {country} se reunirá la próxima semana con los líderes de {country2} para hablar de comercio y energía.
Scientists at the University of {city} have discovered a new species of frog in the mountains of {country}. | Científicos de la Universidad de {city} han descubierto una nueva especie de rana en las montañas de {country}.
The museum of {city} will show more than {tens} paintings by {painter} starting in {month}. | El museo de {city} expondrá más de {tens} cuadros de {painter} a partir de {month}.
Heavy rain has caused serious flooding in several towns in the south of {country} over the last {num} days. | Las fuertes lluvias han provocado graves inundaciones en varios pueblos del sur de {country} durante los últimos {num} días.
Prices in {country} rose by {percent} last year, the largest increase since {year}. | Los precios en {country} subieron un {percent} el año pasado, el mayor aumento desde {year}.
The new high speed railway between {city} and {city2} will cut the journey time to less than {hours}. | La nueva línea de alta velocidad entre {city} y {city2} reducirá el tiempo de viaje a menos de {hours}.
Firefighters spent the whole night fighting a forest fire that started on {day} near {city}. | Los bomberos pasaron toda la noche luchando contra un incendio forestal que empezó el {day} cerca de {city}.""",
    "history": """
In {year}, a great fire destroyed most of the old town of {city}, and it took {num} years to rebuild it. | En {year}, un gran incendio destruyó la mayor parte del casco antiguo de {city}, y se tardaron {num} años en reconstruirlo.
The cathedral of {city} was finished in {year}, after more than {num} decades of work. | La catedral de {city} se terminó en {year}, después de más de {num} décadas de obras.
{painter} painted this picture in {city} in {year}, when {he:painter} was already very famous. | {painter} pintó este cuadro en {city} en {year}, cuando ya era muy famos{o:painter}.
The first railway line in {country} opened in {year} and connected the capital with the coast. | La primera línea de ferrocarril de {country} se inauguró en {year} y unía la capital con la costa.
During the war, many families from {city} fled to {country} and never came back. | Durante la guerra, muchas familias de {city} huyeron a {country} y nunca volvieron.
In {year}, {writer} published {his:writer} most famous novel, which has been translated into more than {tens} languages. | En {year}, {writer} publicó su novela más famosa, que se ha traducido a más de {tens} idiomas.
The old bridge over the river in {city} was built by the Romans almost two thousand years ago. | El viejo puente sobre el río de {city} lo construyeron los romanos hace casi dos mil años.""",
    "shopping": """
How much is this {clothing}? | ¿Cuánto cuesta {este:clothing} {clothing}?
Can I borrow your {clothing}? | ¿Me prestas tu {clothing}?
This morning I went to the market and bought {item}, {item2} and {item3}. | Esta mañana fui al mercado y compré {item}, {item2} y {item3}.
{name} spent {money} on a new {clothing} for {his:name} {kin}'s wedding. | {name} se gastó {money} en {un:clothing} {clothing} nuev{o:clothing} para la boda de su {kin}.
Do you know if the shop on the corner sells {item}? | ¿Sabes si la tienda de la esquina vende {item}?
The price of {item} has gone up a lot in the last few months. | El precio {del:item} {item} ha subido mucho en los últimos meses.
{name} returned the {clothing} because it was too small. | {name} devolvió {el:clothing} {clothing} porque le quedaba pequeñ{o:clothing}.
The shopping center in {city} is open every day until ten at night. | El centro comercial de {city} abre todos los días hasta las diez de la noche.
I paid {money} for this {clothing}, and a week later it was half price. | Pagué {money} por {este:clothing} {clothing} y una semana después estaba a mitad de precio.
In the sales, {name} found a beautiful {clothing} for only {money}. | En las rebajas, {name} encontró {un:clothing} {clothing} precios{o:clothing} por solo {money}.""",
    "leisure": """
{name} loves {genre}. | A {name} le encanta{n:genre} {el:genre} {genre}.
See you on {day}! | ¡Nos vemos el {day}!
Last night we went to see {artist} in concert in {city}, and it was amazing. | Anoche fuimos a ver a {artist} en concierto en {city} y fue increíble.
{name} has read every book by {writer} and wants to visit the house where {he:writer} was born. | {name} ha leído todos los libros de {writer} y quiere visitar la casa donde nació.
This {day} my {kin} and I are going to the cinema to see a French film. | Este {day} mi {kin} y yo vamos al cine a ver una película francesa.
Have you heard the new song by {artist}? | ¿Has escuchado la nueva canción de {artist}?
{name} has been learning to play the {instrument} for {num} months. | {name} lleva {num} meses aprendiendo a tocar {el:instrument} {instrument}.
The exhibition about {painter} in {city} has had more visitors than expected. | La exposición sobre {painter} en {city} ha tenido más visitantes de lo esperado.
We listened to {song} all the way from {city} to {city2}. | Escuchamos {song} durante todo el viaje de {city} a {city2}.""",
}.items()}


# --- sampling and rendering -------------------------------------------------------------------
def _lexicon_of(key: str) -> str:
    return key.rstrip("0123456789")


def _draw(rng: random.Random, template: str) -> dict:
    """Slot key -> lexicon entry; keys of one lexicon get distinct entries."""
    keys = _slot_keys(template)
    need = Counter(_lexicon_of(k) for k in keys)
    drawn = {lex: rng.sample(LEXICONS[lex], n) for lex, n in need.items()}
    return {k: drawn[_lexicon_of(k)].pop() for k in keys}


def _space(template: str) -> int:
    need = Counter(_lexicon_of(k) for k in _slot_keys(template))
    return math.prod(math.perm(len(LEXICONS[lex]), n) for lex, n in need.items())


def _title(text: str) -> str:
    words = text.split()
    return " ".join(ACRONYMS.get(w) or (w if i and w in MINOR_WORDS else w[:1].upper() + w[1:])
                    for i, w in enumerate(words))


def _render(template: str, values: dict, lang: str, tags: dict | None = None, cased: bool = False) -> str:
    def fill(m: re.Match) -> str:
        mark, key = m[1], m[2]
        en, es, gender, proper = values[key]
        if mark == "a":
            return "an" if en[0] in "aeiou" else "a"
        if mark:
            return MARKS[mark][gender]
        text = en if lang == "en" else es
        if cased and proper:
            text = _title(text)
        elif cased and lang == "en":
            text = re.sub(r"\b[a-z]+\b", lambda w: EN_CASE.get(w[0], w[0]), text)
        return f"<{tags[key]}>{text}<{tags[key]}>" if tags else text
    return PLACEHOLDER.sub(fill, template)


def _bio(xml: str, tags: dict) -> str:
    """BIO slot tags, one per word, of a rendering with <x>...<x> spans (MASSIVE's *_bio fields); the
    slot type is the lexicon's name (person, artist, city, ...)."""
    kinds = {letter: _lexicon_of(key) for key, letter in tags.items()}
    out, inside = [], None
    for word in xml.split():
        opened = re.match(r"<([a-z])>", word) if inside is None else None
        if opened:
            inside = opened[1]
        out.append("o" if inside is None else f"{'b' if opened else 'i'}-{kinds[inside]}")
        if inside and word.count(f"<{inside}>") == (2 if opened else 1):
            inside = None
    return " ".join(out)


def _cap_first(text: str) -> str:
    i = next((i for i, ch in enumerate(text) if ch.isalpha()), 0)
    return text[:i] + text[i:i + 1].upper() + text[i + 1:]


def _norm(text: str) -> str:
    """Lower case, punctuation (but apostrophes) removed: the in-domain form of a sentence."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def template_space() -> dict:
    """Upper bounds on distinct sentences: in-domain, general assistant, general topics."""
    return {"in_domain": sum(_space(en) for pairs in SCENARIOS.values() for en, _ in pairs),
            "general_assistant": sum(_space(en) for en, _ in ASSISTANT),
            "general_topics": sum(_space(en) for pairs in TOPIC_TEMPLATES.values() for en, _ in pairs)}


def _sample_distinct(rng: random.Random, n: int, what: str, draw) -> list:
    """Call draw() until n rows with new keys (draw returns (key, row) or None to skip)."""
    rows, seen, budget = [], set(), 50 * n + 10_000
    while len(rows) < n:
        budget -= 1
        if budget < 0:
            raise ValueError(f"could not draw {n} distinct {what}: the template space is too small "
                             f"for the requested size")
        drawn = draw()
        if drawn and drawn[0] not in seen:
            seen.add(drawn[0])
            rows.append(drawn[1])
    return rows


def _in_domain(rng: random.Random, n: int) -> list[dict]:
    names = list(SCENARIOS)

    def draw():
        scenario = rng.choice(names)
        en_t, es_t = rng.choice(SCENARIOS[scenario])
        values = _draw(rng, en_t)
        en = _render(en_t, values, "en")
        if not 3 <= len(en.split()) <= 14:
            return None
        tags = dict(zip(_slot_keys(en_t), SLOT_LETTERS))
        en_xml, es_xml = _render(en_t, values, "en", tags), _render(es_t, values, "es", tags)
        return en, {"scenario": scenario, "en": en, "es": _render(es_t, values, "es"), "en_xml": en_xml,
                    "es_xml": es_xml, "en_bio": _bio(en_xml, tags), "es_bio": _bio(es_xml, tags)}
    rows = _sample_distinct(rng, n, "in-domain utterances", draw)
    return [{"id": str(i), **row} for i, row in enumerate(rows)]


def _general(rng: random.Random, n: int, n_assistant: int, in_domain_en: set[str]) -> list[tuple]:
    topics = list(TOPIC_TEMPLATES)
    seen_eng: set[str] = set()

    def draw_from(origin: str, pairs: list) -> tuple | None:
        en_t, es_t = rng.choice(pairs)
        values = _draw(rng, en_t)
        eng = _cap_first(_render(en_t, values, "en", cased=True))
        if eng in seen_eng or _norm(eng) in in_domain_en:
            return None
        return eng, (origin, eng, _cap_first(_render(es_t, values, "es", cased=True)))

    def draw_topic():
        topic = rng.choice(topics)
        return draw_from(f"demo-{topic}", TOPIC_TEMPLATES[topic])
    assistant = _sample_distinct(rng, n_assistant, "assistant sentences",
                                 lambda: draw_from("demo-assistant", ASSISTANT))
    seen_eng.update(eng for _, eng, _ in assistant)
    rows = assistant + _sample_distinct(rng, n - n_assistant, "general sentences", draw_topic)
    rng.shuffle(rows)
    return rows


def _write_atomic(path: Path, text: str) -> None:
    with atomic_write(path, "wb") as f:
        f.write(text.encode("utf-8"))


def generate(out_dir, seed: int = 13, n_in_domain: int = 3000, n_general: int = 8000,
             assistant_share: float = 0.15) -> dict:
    """Write out_dir/in_domain.jsonl and out_dir/general.tsv; return counts/stats dict."""
    if n_in_domain < 0 or n_general < 0 or not 0.0 <= assistant_share <= 1.0:
        raise ValueError("sizes must be >= 0 and assistant_share within [0, 1]")
    n_assistant = round(n_general * assistant_share)
    space = template_space()
    for what, wanted in (("in_domain", n_in_domain), ("general_assistant", n_assistant),
                         ("general_topics", n_general - n_assistant)):
        if wanted > space[what]:
            raise ValueError(f"requested {wanted} distinct {what} sentences, but the template space "
                             f"holds at most {space[what]}")
    rng = random.Random(seed)
    in_domain = _in_domain(rng, n_in_domain)
    general = _general(rng, n_general, n_assistant, {row["en"] for row in in_domain})

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "in_domain.jsonl",
                  "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in in_domain))
    _write_atomic(out / "general.tsv",
                  "origin\teng\tspa\n" + "".join("\t".join(row) + "\n" for row in general))
    counts = Counter(row["scenario"] for row in in_domain)
    return {"in_domain": len(in_domain), "general": len(general), "general_assistant": n_assistant,
            "scenarios": {name: counts[name] for name in sorted(SCENARIOS)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lmboot.demo_data",
                                     description="Write seeded offline demo data (in_domain.jsonl, general.tsv).")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--n-in-domain", type=int, default=3000)
    parser.add_argument("--n-general", type=int, default=8000)
    parser.add_argument("--assistant-share", type=float, default=0.15)
    args = parser.parse_args(argv)
    try:
        stats = generate(args.out, args.seed, args.n_in_domain, args.n_general, args.assistant_share)
    except ValueError as err:
        parser.exit(2, f"error: {err}\n")
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
