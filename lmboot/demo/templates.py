"""Templates of the built-in demo data (lmboot/demo/data.py): in-domain assistant scenarios, assistant-style
general sentences worded unlike any in-domain template, and general sentences on other topics.

Template syntax (one pair per line, `english | spanish`):
  {city}, {city2}   a slot filled from lexicon `city` (a digit suffix draws another value)
  {el:room}         a word chosen by the slot's gender/number (see demo_lexicon.MARKS), outside the slot
  {a:animal}        English "a"/"an" for the slot's English value
"""

from __future__ import annotations

from lmboot.demo.lexicon import template_pairs

# --- in-domain templates (lower case, no punctuation) -----------------------------------------
SCENARIOS = {
    name: template_pairs(spec)
    for name, spec in {
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
    }.items()
}

# --- general bitext: assistant-style requests, worded unlike any in-domain template ---------------
ASSISTANT = template_pairs("""
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
TOPIC_TEMPLATES = {
    name: template_pairs(spec)
    for name, spec in {
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
    }.items()
}
