"""Regenerate generator/people/data/given_names.txt and common_words.txt.

Needs ``pip install faker wordfreq`` (neither is a dependency of cablesite).

Given names come from Faker's locale name lists; common words from the list below
and Faker's en_US lorem word list.

Run by hand (``pip install faker; python tools/make_given_names.py``); the output
is committed, so cablesite itself does not depend on Faker.  Faker is MIT
licensed (c) Daniele Faraglia and contributors.  Names that are also common
English words (from Faker's en_US lorem list and the list below) are left out,
so that "Will" or "Grant" at a sentence start is not taken for a person.
"""
from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from pathlib import Path

import faker.providers.person as person_pkg
from faker.providers.lorem.en_US import Provider as Lorem

EXTRA = """Sergei Sergey Dmitry Dmitri Dmitriy Aleksey Alexei Alexey Aleksandr Mikhail Vladimir Yuri
Yuriy Nikolai Nikolay Viktor Vyacheslav Gennady Grigory Igor Oleg Boris Anatoly Valery Vitaly
Konstantin Yevgeny Evgeny Evgeniy Andrei Andrey Pavel Fedor Fyodor Leonid Ramzan Mintimer Sergo
Hamid Mohammed Muhammad Mohamed Mohammad Ahmed Ahmad Hassan Hussein Husayn Nouri Jalal Masoud
Massoud Abdullah Abdallah Abdul Abdel Omar Umar Khalid Khaled Tariq Nawaz Asif Pervez Parvez
Benazir Yousaf Yusuf Ashfaq Mahmoud Mahmud Saad Saeed Walid Bashar Hafez Rafik Rafiq Fouad
Nabih Michel Amine Emile Saud Faisal Salman Turki Bandar Hosni Gamal Ayman Moammar Muammar
Recep Ahmet Mehmet Egemen Kemal Deniz Ashraf Ismail Ismael Evo Alvaro Cristina Nestor Luiz Inacio
Dilma Andres Ernesto Jintao Jiabao Jinping Jiechi Bingguo Junichiro Shinzo Taro Yasuo Ichiro
Nicolas Segolene Dominique Herve Francois Alain Lionel Jacques Damien Stanislas Bernadette
Rachida Brice Frederic Gerard Michele Angela Gerhard Guido Wolfgang Joschka Javier Jose Silvio
Romano Gianfranco Massimo Giorgio Condoleezza Hillary Madeleine Zbigniew Strobe Kofi Ehud Ariel
Tzipi Shimon Yitzhak Avigdor Yasser Nabil Saeb Viktor Yulia Mikheil Eduard Nino Zurab Ilham
Heydar Serzh Levon Nursultan Emomali Gurbanguly Saparmurat Askar Kurmanbek Almazbek Karim Rustam
Alisher Aleksander Lech Jaroslaw Radoslaw Vaclav Mirek Vojislav Slobodan Hashim Fatmir Agim
Ramush Bujar Nikola Gjorge Ivica Ante Stjepan Zoran Milorad Haris Zlatko Dragan Nebojsa Ferenc
Traian Calin Teodor Sergiu Georgi Simeon Kostas Costas Tassos Demetris Glafcos Thaksin Abhisit
Samak Surayud Susilo Bambang Gloria Benigno Jusuf Mahathir Najib Anwar Manmohan Sonia Rahul
Atal Pranab Shivshankar Pervaiz Yousuf Khaleda Mahinda Gotabaya Ranil Girija Pushpa Gyanendra
Amrullah Nechirvan Moqtada Manouchehr Ayad Akbar Fidel Raul Rafael Michelle Tabare Oscar Elias
Mauricio Leonel Rene Bharrat Portia Thabo Morgan Mwai Raila Yoweri Laurent Alassane Umaru
Goodluck Olusegun Meles Isaias Salva Idriss Abdoulaye Amadou Blaise Mamadou Yahya Abdelaziz
Zine Ramzi Ayatollah Fathi Farouk Moustafa Mustafa Ahmadi Ghazi Jawad Bayan Saleh Rafi Iyad
Nizar Osama Usama Anatoliy Aleksei Alexandr Sergeyevich Pyotr Sergo Yevgeniy Kirill Arkady
Gleb Ruslan Timur Vagit Roman Lyudmila Tatyana Yelena Valentina Irina Natalya Svetlana Galina
Ardeshir Ebrahim Morteza Farhad Reza Abbas Hossein Hosein Mohsen Mehdi Majid Javad Jafar Kazem
Nasser Parviz Amir Bahram Dariush Davood Esmail Farid Fereydoun Gholam Gholamreza Habib Hadi Hashem
Iraj Jamshid Kamran Kourosh Mansour Mohammadreza Mojtaba Mostafa Nader Rahim Rahmatollah Ramin
Sadegh Shahram Sohrab Taghi Vahid Yousef Zahra Fatemeh Maryam Shirin Nasrin Parvin Soraya Keramatallah
Ruhollah Ali-Akbar Alireza Hojatoleslam Manouchehr Abolhassan Asadollah Ataollah Nematollah Zabihollah
Bulent Ergin Hikmet Ilhan Kursad Murat Necdet Necmettin Ozdem Sukru Tansu Turgut Yasar Zeki
Nouri Nuri Adil Ayad Iyad Jalal Qasim Qassem Sabri Talal Tareq Zalmay Zalmai Ghulam Gulbuddin
Ashraf Burhanuddin Hekmat Yunus
""".split()

COMMON = """a about above after again against all am an and any are as at be because been before being below
between both but by can did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should
so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you
your yours yourself yourselves january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday also new said says told
noted added asked agreed stated called may might must shall could general major grant mark bill rose
faith hope joy grace chase guy page ray sky sun star summer autumn winter spring dawn eve june april
august bishop king queen prince duke earl baron lord sir dean drew carol iris ivy jade lily pearl
ruby violet amber crystal destiny honor justice liberty mercy patience prudence serenity unity
victory will worth west north south east long short young brown white black green gray grey gold
silver frank miles rich price hunter porter carter cooper baker miller taylor turner walker ward
wood woods young hall hill lane park ford field fields bush rice burns sharp strong stone banks bell
cash chance clay cliff dell don early ford forest hale jack jackson joy kay lane love lucky major
may mark marshall nick orange paris penny pierce rock rocky rod rusty sandy scott sterling stone
storm tip van wade warren wells art bob buck bud butch chip chuck cole colt deck doc don fox gage
gale gay jody kip lance mac mo pat red reed ross von will
""".split()


REPORTING = """
said says told noted added asked agreed stated explained stressed urged expressed believed would could
should might must shall will can may did does done had has have was were been being are is am not nor
but and or also very more most much many some any each every all both few other such own same than
too only just even still yet already again ever never always often sometimes soon later now then here
there today tomorrow yesterday week month year years day days time times summary comment end note begin
septel reftel ref refs para paras embassy post mission government ministry minister president ambassador
secretary director office department state states united nations council union party general major new
old first second third last next former current acting deputy senior chief visit meeting meetings talks
discussion discussions issue issues question questions support position positions relations relationship
cooperation security political economic military foreign domestic international national regional local
public private official officials source sources contact contacts report reports reporting press media
news statement statements letter message cable cables information intelligence request response action
actions plan plans program process policy policies people country countries region area areas city
capital border law laws court courts election elections vote votes campaign candidate candidates leader
leaders member members group groups forces force army police troops war peace crisis conflict attack
attacks violence assistance aid trade market markets oil gas energy power water food health education
human rights freedom democracy reform reforms budget tax taxes bank banks money funds fund price prices
cost costs rate rates growth development investment business company companies industry sector agreement
treaty deal north south east west northern southern eastern western central middle upper lower high low
large small big good bad better best worse worst great greater important key minor strong weak clear
possible likely unlikely certain difficult easy hard long short early late recent future past present
full open closed free fair real true false right left wrong sure able unable ready willing
"""


# Faker lists these as given names somewhere, but in cables they are words or places.
NOT_GIVEN = set("""made come york london america press china french council washington india river jesus
link german judge lady brain france africa captain male smith texas christian ran prior royal sad till
israel boss florida roll unique mad angeles lies tea kick governor joke loan boston era golden muslim
ireland asia journey urban bird jail virginia desire wing mile branch heaven mate constant francisco
hong marine princess sydney unknown carolina pink cap fed jordan roman santa tone rush harm georgia
server wash angel charity innocent math rome wage dallas diamond houston islam kit odd colonel comfort
saint buddy columbia marry forum hence valid atlanta arizona berlin diego fate melbourne chelsea fancy
rio ties wolf""".split())


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def main() -> None:
    names: set[str] = set()
    for mod in pkgutil.iter_modules(person_pkg.__path__):
        try:
            provider = importlib.import_module(f"{person_pkg.__name__}.{mod.name}").Provider
        except Exception:
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            value = provider.__dict__.get(attr) or getattr(provider, attr, None)
            if isinstance(value, property) or callable(value):
                continue
            if isinstance(value, dict):
                value = list(value)
            for n in value or ():
                for part in str(n).replace("-", " ").split():
                    f = fold(part)
                    if f.isascii() and f.isalpha() and len(f) >= 3 and f[0].isupper():
                        names.add(f)
    names |= {fold(n) for n in EXTRA if n[:1].isupper() and len(n) >= 2}
    common = {w.lower() for w in COMMON} | {w.lower() for w in Lorem.word_list}
    keep = sorted(n for n in names if n.lower() not in common and n.lower() not in NOT_GIVEN)
    out = Path(__file__).resolve().parent.parent / "generator/people/data/given_names.txt"
    out.write_text("# Given names, one per line, accents folded. Generated by tools/make_given_names.py\n"
                   "# from Faker's locale name lists (MIT, (c) Daniele Faraglia and contributors)\n"
                   "# plus names common in diplomatic reporting.\n" + "\n".join(keep) + "\n",
                   encoding="utf-8")
    print(len(keep), "names written to", out)
    words = common | set(REPORTING.split())
    try:  # the 15,000 most frequent English words, less given names (wordfreq, CC BY-SA 4.0 data)
        from wordfreq import top_n_list
        lower_given = {n.lower() for n in keep}
        words |= {w for w in top_n_list("en", 15000) if w.isalpha() and w not in lower_given}
    except ImportError:
        print("wordfreq is not installed: common words without its frequency list")
    words = sorted(words)
    (out.parent / "common_words.txt").write_text(
        "# Common English words (never taken for names in ALL-CAPS text). Generated by\n"
        "# tools/make_given_names.py: function words and reporting verbs by the cablesite\n"
        "# authors, Faker's en_US lorem word list (MIT, (c) Daniele Faraglia and contributors),\n"
        "# and the 15,000 most frequent English words of wordfreq 3.1 less given names\n"
        "# (data CC BY-SA 4.0, (c) Robyn Speer, https://github.com/rspeer/wordfreq).\n"
        + "\n".join(words) + "\n", encoding="utf-8")
    print(len(words), "common words written")


if __name__ == "__main__":
    main()
