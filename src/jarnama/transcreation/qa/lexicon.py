"""Common Kazakh advertising vocabulary, spelled correctly, for catching Russified spellings.

Only words that hold at least one of the nine Kazakh letters matter here: a word without
them has nothing a Russian keyboard could lose. The list is a curated seed (retail, banking,
telecom, delivery, seasons and months); Debian's hunspell-kk covers the rest of the language.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from jarnama.transcreation.kazakh import has_kazakh_letters, russified_skeleton

AD_VOCABULARY = """
жаңа жаңалық жаңалықтар жеңілдік жеңілдіктер жеңілдігі жеңілдікпен жеңілдіктерді
тегін қазір сатып алыңыз алыңыз бағасы бағалар бағамен төмен төмендеді арзан арзандату
сапалы өнім өнімдер өнімдері өнімдерге өнімін дүкен дүкендер дүкендерде дүкенде
дүкеніміз дүкенімізде жеткізу жеткіземіз тапсырыс тапсырысты беріңіз ұсыныс ұсынамыз
ұсынысы ұсыныстар сыйлық сыйлықтар сыйлыққа ұтыс ұтысқа қатысыңыз қатысу көбірек
біліңіз толығырақ қосымша қосымшада қосымшасы күн күні күнге күннен күндері апта аптасы
жылдық мерзім мерзімі дейін барлық тауарлар тауарларға тауарларына үшін біздің сіз
сіздің сізге сізді үлкен кіші үнемдеңіз үнемдеу ақша ақшаны қайтару төлем төлеу
төлеңіз бөліп несие пайыз пайызсыз қызмет қызметі қызметтер жұмыс тәулік тәулігіне
қала қаласы қалада Қазақстан қазақстандық қазақ тілі отбасы отбасыңыз балалар үй
үйге үйіңізге тағам тағамдар сүт сүзбе ірімшік жеміс жемістер көкөніс көкөністер
шырын сусын сусындар сағат сәт жақсы әлем әрбір әдемі дәм дәмді өте өзіңіз өзіңізге
көңіл қуаныш қуанышты мереке мерекелік мерекеңізбен құттықтаймыз жылдам жедел ыңғайлы
қолжетімді тиімді тиімдірек қосылыңыз жазылыңыз кіріңіз іздеңіз таңдаңыз таңдау
табыңыз қоңырау шалыңыз хабарласыңыз жүктеп жүктеу теледидар тоңазытқыш кір жуғыш
көлік сапар ұшу ұшақ қонақүй демалыс қыс көктем күз мектеп оқу білім денсаулық
дәрі дәріхана сұлулық киім аяқ сөмке алтын күміс сыйақы ұпай ұпайлар жинаңыз ұтып
ойнаңыз шарт шарттары ереже ережелері толық ақпарат сайтында желі желісі ғана қана
бүгін бүгіннен ертең кешке таңертең банк шот аударым қаржы сақтандыру пәтер
құрылыс жарнамалық ұлттық халық халықаралық әйел ерлер ана әке жігіт қыз тағы
бірге бірінші екінші үшінші төртінші қарсы бойынша сәйкес көрсетілген ұзақ қысқа
құны құнды бөлшек көтерме сауда ауқымды бағдарлама ұялы байланыс интернет трафик
минут қоңыраулар тариф тарифі қол қолдау көмек сұрақ жауап құпия қауіпсіз сенімді
жеке тұлға заңды кепілдік кепілдігі сертификат ұсынылады қолданылады жарамды
қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан
жиһаз жиһазы жаһан жаһандық қосымшасын сатылымда жылыңызбен сайтта
смартфон смартфоны кэшбэк бонус бонустар маусымдық арналған сатып алушыға
дүйсенбі сейсенбі сәрсенбі бейсенбі жұма сенбі жексенбі
"""

# Russified forms that are also words in their own right ("жана" burn, "казак" Cossack,
# "ен" width, "ар" conscience, "сан" number): a finding on them is only a warning.
HOMOGRAPHS = frozenset({"жана", "казак", "казан", "ен", "ар", "оз", "сан", "кол", "тун", "бас"})

# Shorter stems match only whole words: "қана" must not flag "канал".
MIN_PREFIX_STEM = 5


@lru_cache(maxsize=1)
def ad_words() -> frozenset[str]:
    """The curated vocabulary, lower case."""
    return frozenset(word.lower() for word in AD_VOCABULARY.split())


@lru_cache(maxsize=1)
def skeleton_index() -> dict[str, frozenset[str]]:
    """Russified skeleton → the correct words that collapse to it."""
    index: dict[str, set[str]] = defaultdict(set)
    for word in ad_words():
        if has_kazakh_letters(word):
            index[russified_skeleton(word)].add(word)
    return {skeleton: frozenset(found) for skeleton, found in index.items()}


def correct_forms(word: str) -> tuple[str, bool] | None:
    """The vocabulary word a Russified `word` stands for, and whether it matched whole.

    A whole match ("сут" for «сүт») is certain; a stem match ("жеңилдиктерге" for
    «жеңілдік…») keeps the ending as typed and returns the corrected stem plus ending.
    """
    lower = word.lower()
    if lower in ad_words():
        return None
    index = skeleton_index()
    skeleton = russified_skeleton(lower)
    whole = index.get(skeleton)
    if whole and lower not in whole:
        return _best(lower, whole), True
    for cut in range(len(lower) - 1, MIN_PREFIX_STEM - 1, -1):
        stems = index.get(skeleton[:cut])
        if stems:
            if lower[:cut] in stems:
                return None  # the longest known stem is spelled right
            return _best(lower[:cut], stems) + lower[cut:], False
    return None


def _best(typed: str, candidates: frozenset[str]) -> str:
    """The candidate sharing the most letters with what was typed."""
    return max(
        sorted(candidates), key=lambda c: sum(a == b for a, b in zip(c, typed, strict=False))
    )
