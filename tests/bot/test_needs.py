"""The need of a free-text message (issue #15): urgency first, evidence over words, ambiguity
asked; the cues found however residents type them (bot/cues.py, flows/needs.yaml)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from adapters.bootstrap import build_engine
from bot.cues import CueFinder, fold
from bot.engine import Engine
from bot.messages import Event
from bot.needs import Reading

WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


@cache
def engine() -> Engine:
    return build_engine()


def read(text: str) -> Reading:
    return engine().understanding.mentions(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # the phone is the lost item even when the card is named (its certificate is on it)
        ("I left my phone in a taxi, the card's e-certificate is on it", "lost_phone"),
        ("スマホどっかいった。マイナポータル入れてる", "lost_phone"),
        ("lost my phone, the card itself is at home", "lost_phone"),
        ("someone nicked my wallet, my number card was inside", "lost_card"),
        ("まいなかーど落としちゃった", "lost_card"),  # kana, colloquial
        ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ紛失", "lost_card"),  # half-width katakana
        ("em lam mat the my number roi", "lost_card"),  # Vietnamese without its accents
        ("บัตรมายนัมเบอร์หายต้องโทรเบอร์ไหน", "lost_card"),  # Thai, no spaces
        ("lsot my phnoe", "lost_phone"),  # typing slips
        ("my bag was stolen", "lost"),  # what was in it is not said: asked
        ("I need the suspension number", "lost"),
        ("My residence card and My Number Card were in the stolen wallet", "lost_card"),
        # not urgent
        ("I lost my residence card", "out_of_scope"),
        ("Encontré la tarjeta que había perdido, ¿tengo que hacer algo?", "card"),
        ("I lost my PIN, how do I reset it?", "card"),
        ("Làm thẻ mất bao lâu?", "card"),  # `mất bao lâu`: how long it takes
        ("Can I suspend my card by phone?", "lost_card"),  # `by phone`: no phone lost
    ],
)
def test_urgency_is_read_from_the_loss_and_its_item(text: str, topic: str) -> None:
    assert read(text).topic == topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("is my card ready yet, I sent the form in spring", "status"),
        ("I want to see the personal data you hold about me, my card's too", "privacy"),
        ("points for health insurance and bank account registration never came", "points"),
        ("Someone used my bank account fraudulently", "out_of_scope"),
        ("I sent the form a week ago and no answer has come", "reply_email"),
        ("Can I reply to the email I got from helpdesk?", "reply_email"),
        ("is ０１２０－０１７８－２６ the number for this?", "mynumber"),  # a number quoted
        ("申請書ID 12345678901234567890123 の件", "status"),  # an Application ID quoted
        ("helth insurence", "health_insurance"),
        ("renewing my card?", "card"),  # `renew*` is any word starting so
        ("カードについて", "card"),  # the card named, and nothing else
    ],
)
def test_the_need_weighs_what_the_whole_message_says(text: str, topic: str) -> None:
    assert read(text).topic == topic


def test_two_needs_as_likely_are_asked_not_guessed() -> None:
    assert read("health insurance and bank account").topic is None
    assert read("hello").topic is None


@pytest.mark.parametrize(
    ("text", "topic", "language"),
    [
        ("card question in Thai", "card", "th"),
        ("my card's expiry date, and I would speak Thai", "card", "th"),
        ("a general question about My Number, in Vietnamese on the phone", "mynumber", "vi"),
        ("日本語で相談できる番号", "japanese", "ja"),
        ("Can I speak to someone in Chinese?", None, "zh"),
        ("English or Tagalog, card question", "card", None),  # two named: asked
    ],
)
def test_the_phone_language_stated_is_taken(
    text: str, topic: str | None, language: str | None
) -> None:
    reading = read(text)
    assert (reading.topic, reading.phone_language) == (topic, language)


def test_a_phrase_beats_the_words_inside_it_of_another_concept() -> None:
    finder = CueFinder({"item": ["card", "カード"], "other": ["residence card", "在留カード"]})
    assert finder.find("my residence card").concepts == {"other"}
    assert finder.find("在留カードとカード").concepts == {"other", "item"}
    assert finder.find("cardboard").concepts == set()  # whole words only


def test_an_everyday_word_is_not_mended_into_a_cue() -> None:
    finder = CueFinder({"inquiry": ["form"], "loss": ["kehilangan"]}, known=["from", "kailangan"])
    assert finder.find("stolen from me").concepts == set()  # `from` is not `form`
    assert finder.find("kailangan ba").concepts == set()  # Tagalog `need`, not `lost`
    assert finder.find("frm").concepts == set()  # too short to mend
    assert finder.find("kehilngan").concepts == {"loss"}  # a slip is still mended


def test_a_word_of_everyday_language_is_left_as_written() -> None:
    finder = CueFinder({"leak": ["leaking"]}, everyday=["leaving"])
    assert finder.find("leaving Japan").concepts == set()  # one letter from a cue, but a word
    assert finder.find("leakng").concepts == {"leak"}  # a slip is still mended
    assert CueFinder({"leak": ["leaking"]}).find("leaving").concepts == {"leak"}  # without it


def test_traditional_chinese_is_read_by_the_simplified_cues() -> None:
    finder = CueFinder(
        {"loss": ["遗失"], "number": ["号码"]}, variants={"遺": "遗", "號": "号", "碼": "码"}
    )
    assert finder.find("號碼卡遺失了").concepts == {"loss", "number"}
    assert CueFinder({"loss": ["遗失"]}).find("遺失").concepts == set()  # without the table
    assert read("請問個人番號卡遺失要打哪支電話？").topic == "lost_card"


def test_the_everyday_list_keeps_words_the_mender_would_have_turned_into_cues() -> None:
    assert read("I'm leaving Japan for good, what happens to my my number card?").topic == "card"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Kailangan ba ang My Number sa tax return?", "mynumber"),
        ("Something was stolen from me, who do I call?", "lost"),
        ("0120-0178-27って紛失の時の番号で合ってますか？", "lost_card"),  # the card line quoted
        ("esqueci o celular no táxi", "lost_phone"),  # a phone forgotten: left behind
        ("I forgot my PIN", "card"),
        ("暗証番号を忘れました", "card"),
        ("I left my card at home, can I still use the health insurance?", "health_insurance"),
        ("applied 3 months ago, still nothing and no news", "status"),  # counted once
        ("I sent the form two weeks ago and still no reply", "reply_email"),
        ("I never received the notice of my individual number", "mynumber"),
        ("0120-95-0178 press 5?", "health_insurance"),
    ],
)
def test_everyday_phrasings_of_a_family_are_read(text: str, topic: str) -> None:
    assert read(text).topic == topic


def test_folding_reads_kana_accents_and_digits_alike() -> None:
    assert fold("まいなカード") == fold("マイナカード")
    assert fold("Teléfono ÁÉ") == "telefono ae"
    assert fold("६ थिच्ने") == "6 थिच्ने"


def test_a_matter_not_handled_is_said_so_without_a_number() -> None:
    event = Event(conversation="t:oos", at=WEDNESDAY_10, text="How do I extend my visa?")
    said = "\n".join(reply.all_text() for reply in engine().respond(event, None).replies)
    assert "cannot help with this matter" in said
    assert "0120" not in said and "0570" not in said


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("my card was stolen together with my passport", "lost_card"),  # a card named with a loss
        ("perdí el pasaporte y también la tarjeta", "lost_card"),
        ("I lost my passport", "out_of_scope"),  # another item alone
        ("my wallet was gone and the myna card was in it", "lost_card"),
        ("the office lost the photocopy of my card", "mynumber"),  # a copy is no card lost
        ("a stranger asked me for my 12 digit number, is it a scam?", "mynumber"),
        ("my individual number leaked", "mynumber"),
        ("how do I do the year end adjustment", "out_of_scope"),  # filing taxes alone
        ("do I need my individual number for the year end adjustment?", "mynumber"),
        ("a tax question", "mynumber"),  # the Social Security and Tax Number System's line
        pytest.param(
            "no letter to pick up the card yet",
            "status",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a known miss of the learned model (bot/need_model.py), confident that "
                "this is a card question; the lexicon alone reads the status",
            ),
        ),
    ],
)
def test_second_round_families_are_read(text: str, topic: str) -> None:
    assert read(text).topic == topic


# Families added in each round on a set written blind (bench/UNDERSTANDING.md), in the
# developers' own words: a round's set itself is never copied here.
FAMILIES_BY_ROUND: dict[int, list[tuple[str, str | None]]] = {  # None: the menu asks
    4: [
        ("I think I threw my notification card away with the newspapers", "lost_card"),
        ("マイナカード、まだ見つかってないです", "lost_card"),  # not found yet is no find
        ("지갑이 안 보여요, 마이넘버카드도 거기", "lost_card"),  # can't see it anywhere
        ("iPhone被顺走了，里面有マイナ的证书", "lost_phone"),
        ("I lost my job, do I get a new individual number?", "mynumber"),  # no loss of an item
        ("does the number change if I move abroad and come back?", "mynumber"),
        ("moving back to Brazil for good, what do I do with the card", "card"),
        ("applied in August, how long does it usually take", "status"),
        ("what does J-LIS do with the email I typed into the inquiry form", "privacy"),
        ("sent the inquiry form a week ago, nothing in my inbox", "reply_email"),
        ("カードが割れて読めなくなった", "card"),  # can no longer be read, not lost
        ("lost my passport on the train, my my number card is safe", "out_of_scope"),
        ("在留卡丢了，个人编号卡还在身上", "out_of_scope"),  # the card in hand
        ("perdí la cartera pero la my number la tengo aquí", "lost"),  # which item is asked
        ("マイナ保険証を落としたかも", "lost_card"),  # the card by its insurance name
        ("マイナカードを保険証として使う手続きは？", "health_insurance"),
        ("I didn't lose it, I just forgot the PIN of my card", "card"),
        ("ลืมมือถือไว้บนรถไฟ มีบัตรมายนัมเบอร์ในมือถือ", "lost_phone"),  # left behind
        ("lost my card and my phone, the card turned up but not the phone", "lost"),  # asked
    ],
    5: [
        ("the money is all there but my my number card is not in my wallet anymore", "lost_card"),
        (
            "お金は盗まれてないけど、マイナカードだけ財布から抜かれてた",
            "lost_card",
        ),  # not lost: money
        ("銀行のキャッシュカードを落とした、マイナカードはなくしてない", "out_of_scope"),
        ("nawala ang passport ko pero hindi nawala ang my number card", "out_of_scope"),
        ("通知カードって捨ててもいいですか", "mynumber"),  # whether the notice may be thrown away
        ("can I throw away my old my number card after the renewal?", "card"),
        ("a thai restaurant worker lost her my number card", "lost_card"),  # no phone language
        ("visa change, does my individual number change too?", "mynumber"),
        ("my staff want to know if the company may keep copies of their my numbers", "mynumber"),
    ],
    6: [
        ("left my my number card on the bus this morning", "lost_card"),  # a public place
        ("esqueci a carteira com o cartao my number no onibus", "lost_card"),
        ("スマホは大丈夫、でもマイナカードがない", "lost_card"),  # the phone said safe
        ("lost the letter to pick up my card, can I still get it?", "card"),  # not the card
        ("what's a good way to find my individual number notice, is it important?", "mynumber"),
        ("財布がない！マイナも入ってた", "lost_card"),
        ("how do I get a card for my newborn son", "card"),
        ("di ko pa natanggap yung my number points ko", "points"),
    ],
    7: [
        ("it's not my phone, the phone is right here; my my number card is gone", "lost_card"),
        ("HP aman kok, yang hilang kartu my number", "lost_card"),
        ("폰은 괜찮아요. 마이넘버카드를 누가 가져간 것 같아요", "lost_card"),
        (
            "i'm scared of losing my card so i keep it home, does the bank need my number?",
            "mynumber",
        ),
        ("I called the shop and they said nobody has my my number card", "lost_card"),
        ("one of our interns from Indonesia lost her my number card", "lost_card"),  # no language
        ("I've lost the thing I log in with and I'm worried someone could use it", "lost"),
    ],
    8: [
        ("applied through the app last week, no idea if it was successful", "status"),
        ("daftar lewat HP kemarin, gak tahu berhasil atau nggak", "status"),
        (
            "mi hijo dejó su celular en el metro, tiene la firma electrónica de la my number",
            "lost_phone",
        ),
        ("マイナカードもスマホもなくした。スマホには何も入れてない", "lost_card"),  # nothing on it
        ("esqueci a senha do cartão e bloqueou", "card"),  # locked, not suspended
        ("引っ越したらマイナンバーは変わる？", "mynumber"),
        ("我的银联卡被盗了", "out_of_scope"),
    ],
    9: [
        ("applied at the photo booth last month, was my photo accepted or rejected?", "status"),
        ("mandé la solicitud por correo, ¿cómo sé si la recibieron?", "status"),
        ("who reads what I wrote in the inquiry form, is it handed to other companies?", "privacy"),
        ("I thought I lost my card but it was in my other bag, do I need to do anything?", "card"),
        ("my bank card was stolen, my my number card is safe at home", "out_of_scope"),
        ("how do I apply for permanent residency", "out_of_scope"),
        ("スマホを川に落として拾えない、マイナの機能が入ってる", "lost_phone"),
    ],
    10: [
        ("my card is bent, I didn't lose it, can I get a new one?", "card"),
        ("kartunya retak, bukan hilang, bisa ganti?", "card"),
        ("lost my residence card, but my my number card is right here", "out_of_scope"),
        ("my son took the notification card to school and it never came back", "lost_card"),
        ("지갑은 찾았는데 마이나카드만 없어요", "lost_card"),  # the wallet found, not the card
        ("will I get the same number if I come back to Japan later?", "mynumber"),
        ("applied for the renewal in March and still no postcard, はがきまだ", "status"),
    ],
    11: [
        ("the card was in my bag at the station and now it's not in my card holder", "lost_card"),
        ("the chip is scratched and the machine won't read it, I didn't lose it", "card"),
        (
            "who gets to see the personal details in the contact form, are they passed on?",
            "privacy",
        ),
        ("thẻ không mất, chỉ bị nứt, làm lại được không", "card"),  # not lost, cracked
        ("android phone taxi ma chhutyo, tyo phone ma my number thiyo", "lost_phone"),
        ("日本の銀行から、マイナンバーを届け出るよう手紙が来ました", "mynumber"),
    ],
    13: [
        # the twelfth's and the thirteenth's families (rounds 12 and 13 tuned at once)
        ("my ex took my my number card and won't give it back", "lost_card"),
        ("mi compañero de cuarto se llevó mi tarjeta my number y no me la devuelve", "lost_card"),
        ("meu ex pegou meu cartão my number e não quer devolver", "lost_card"),
        ("teman kos bawa kartu my number saya dan nggak mau balikin", "lost_card"),
        ("kinuha ng ex ko yung my number card ko at ayaw ibalik", "lost_card"),
        ("người yêu cũ giữ thẻ my number của tôi không chịu trả", "lost_card"),
        ("แฟนเก่าเอาบัตรมายนัมเบอร์ของฉันไปไม่ยอมคืน", "lost_card"),
        ("साथीले मेरो माई नम्बर कार्ड लगेर फिर्ता दिएन", "lost_card"),
        ("前の同居人がマイナンバーカードを持っていったまま返してくれない", "lost_card"),
        ("前男友拿走了我的个人番号卡不还给我", "lost_card"),
        ("전 남자친구가 마이넘버카드를 가져가서 안 돌려줘요", "lost_card"),
        ("someone broke into my locker at the gym, my number card was in my bag", "lost_card"),
        ("体育馆的柜子被撬了，个人番号卡在包里", "lost_card"),
        ("forzaron mi casillero y se llevaron la tarjeta my number", "lost_card"),
        ("encontré mi tarjeta después de suspenderla, ¿cómo la reactivo?", "card"),
        ("achei o cartão depois de suspender, como reativar?", "card"),
        ("停止したマイナンバーカードが見つかった。停止の解除は？", "card"),
        ("卡找到了，之前已经暂停，怎么恢复？", "card"),
        ("tìm thấy thẻ rồi, đã tạm dừng trước đó, làm sao mở lại", "card"),
        ("卡坏了，不是丢了，能补办吗", "card"),
        ("thẻ bị gãy chứ không phải mất, làm lại được không", "card"),
        ("no se me perdió, se rompió la tarjeta, ¿puedo pedir otra?", "card"),
        ("i lost my zairyu card only, my my number card is fine", "out_of_scope"),
        ("tôi làm mất thẻ lưu trú thôi", "out_of_scope"),
        ("kartu zairyu saya hilang, itu saja", "out_of_scope"),
        ("मेरो निवास कार्ड मात्र हरायो", "out_of_scope"),
        ("lost my job, how do i get unemployment benefits", "out_of_scope"),
        ("perdí mi trabajo, quiero el seguro de desempleo", "out_of_scope"),
        ("perdi o emprego, como pedir seguro-desemprego", "out_of_scope"),
        ("실직해서 실업급여 신청하고 싶어요", "out_of_scope"),
        ("mất việc rồi, muốn hỏi trợ cấp thất nghiệp", "out_of_scope"),
        ("失業保険の手続きを知りたい", "out_of_scope"),
        ("nawalan ng trabaho, paano mag apply ng unemployment", "out_of_scope"),
        ("i'm lost on your website, where is the visa page", "out_of_scope"),
        ("can you answer me in writing instead", "inquiry"),
        ("quiero que me respondan por escrito", "inquiry"),
        ("quero a resposta por escrito", "inquiry"),
        ("希望书面回复我的问题", "inquiry"),
        ("muốn được trả lời bằng văn bản", "inquiry"),
        ("ขอคำตอบเป็นลายลักษณ์อักษร", "inquiry"),
        ("लिखित जवाफ पाउन सकिन्छ?", "inquiry"),
        ("pwede bang nakasulat ang sagot", "inquiry"),
        ("jawabannya bisa tertulis?", "inquiry"),
        ("서면으로 답변 받고 싶어요", "inquiry"),
        ("書面で回答してほしい", "inquiry"),
        ("the bank asked for my my number to open an account, is that ok", "mynumber"),
        ("o banco pediu meu my number para abrir conta", "mynumber"),
        ("hinihingi ng bangko ang individual number ko", "mynumber"),
        ("증권 계좌 만들 때 개인번호 줘도 돼요?", "mynumber"),
        ("the clinic's card reader said no eligibility information", "health_insurance"),
        ("病院で資格情報なしと表示された", "health_insurance"),
    ],
    15: [
        # the fourteenth's and the fifteenth's families (rounds 14 and 15 tuned at once)
        ("なくしたわけではないのですが、カードが割れました。再発行は？", "card"),
        ("la tarjeta no esta perdida, solo se rompio, como pido otra", "card"),
        ("분실 아님, 카드가 휘어서 안 읽혀요", "card"),
        ("hindi siya nawala yung card ko, nabasa lang at sira na", "card"),
        (
            "lost my phone and my wallet, the phone doesn't have the my number thing, "
            "i never set that up, the card was in the wallet",
            "lost_card",
        ),
        ("スマホと財布をなくしました。スマホにはマイナカードの機能は入れていません", "lost_card"),
        ("バッグをひったくられ、マイナンバーカードが入っていました。スマホは無事です", "lost_card"),
        ("perdi meu cartão my number, tem atendimento em português no telefone?", "lost_card"),
        ("emprestei meu cartão pra um conhecido e ele não devolveu", "lost_card"),
        ("pinahiram ko ang card ko at hindi na binabalik", "lost_card"),
        ("kartu my number dipinjam teman dan nggak dikembalikan", "lost_card"),
        ("mero card saathi le lagyo, firta gardaina", "lost_card"),
        ("父の通知カードを資源ごみに出してしまったかもしれない", "lost_card"),
        (
            "i got married and took my husband's surname, how do i change the name on the card",
            "card",
        ),
        ("chegou o hagaki mas eu perdi o hagaki, ainda posso retirar o cartão?", "card"),
        ("minha filha pode ir buscar o cartão sozinha?", "card"),
        ("스마트폰에 카드 등록하려는데 에러나요, 분실 아니에요", "card"),
        ("声が出せないので文字で質問したいです", "inquiry"),
        ("글로 써서 질문할 수 있나요", "inquiry"),
        ("bisa tanya lewat internet? pulsa habis", "inquiry"),
        ("可以写下来问吗", "inquiry"),
        ("문의폼에 쓴 제 정보 이용정지 요청합니다", "privacy"),
        ("ano ginagawa nyo sa info ko sa form? binibigay nyo ba sa iba?", "privacy"),
        ("咨询时留下的名字和电话会给区役所吗", "privacy"),
        ("問い合わせの内容は外部の業者に委託していますか、私の名前も渡っていますか", "privacy"),
        ("the dentist's card reader gave an error and i paid 100%", "health_insurance"),
        ("a maquininha da clinica deu erro com meu cartao", "health_insurance"),
        ("máy đọc thẻ ở phòng khám báo lỗi", "health_insurance"),
        ("诊所的读卡机显示没有保险资格", "health_insurance"),
        ("paano i-link ang card sa kokuho", "health_insurance"),
        ("มายนาโฮเคนโชต้องทำใหม่ไหม", "health_insurance"),
        ("日本語の窓口はどこですか", "japanese"),
        ("일본어로 받는 번호 알려주세요", "japanese"),
        ("tem número em japonês?", "japanese"),
        ("कोकिन उकेतोरी कोउजा परिवर्तन गर्न चाहन्छु", "bank_account"),
        ("voltei ao japão depois de anos, meu my number continua o mesmo?", "mynumber"),
        ("한국 갔다가 다시 왔는데 번호가 예전이랑 같나요", "mynumber"),
        ("left some stuff on the bus, how do i stop it from being used", "lost"),
    ],
    17: [
        # the sixteenth's and the seventeenth's families (rounds 16 and 17 tuned at once)
        ("在留カードを落としました。マイナンバーカードは持ってます", "out_of_scope"),
        ("재류카드를 잃어버렸어요. 마이넘버카드는 그대로 있어요", "out_of_scope"),
        ("zairyu card saya hilang, kartu my number aman", "out_of_scope"),
        ("मेरो zairyu card मात्र हरायो, माइ नम्बर कार्ड छ", "out_of_scope"),
        ("saya kehilangan kontak dengan perusahaan, visa saya bagaimana", "out_of_scope"),
        ("nawalan po ako ng trabaho, ano mangyayari sa visa ko", "out_of_scope"),
        ("仕事なくした、失業保険はどこで申請？", "out_of_scope"),
        ("job gayo, berojgari bhatta kasari paune", "out_of_scope"),
        ("em bị mất việc rồi, có trợ cấp gì không", "out_of_scope"),
        ("estoy perdida con la declaración de impuestos", "out_of_scope"),
        ("qual o numero pra comunicar perda", "lost"),
        ("일본어가 더 편해요, 일본어로 전화하고 싶어요", "japanese"),
        ("我女儿日语比中文好，想用日语打电话", "japanese"),
        ("정지했는데 카드를 찾았어요, 정지 해제는 어떻게 해요", "card"),
        ("น่าจะทิ้งใบแจ้งเลขไปกับกระดาษเก่า", "lost_card"),
        ("柜子被人撬了，卡没了", "lost_card"),
        (
            "電車の網棚にバッグを置き忘れ、マイナンバーカードが入っていた。見つかったという連絡はありません",
            "lost_card",
        ),
        ("caiu do meu bolso o cartão my number e não achei", "lost_card"),
        ("nhập sai mã PIN nên bị khóa thẻ, mở khóa ở đâu", "card"),
        ("em muốn cài thẻ my number vào điện thoại", "card"),
        ("माई नम्बर कार्डलाई हेल्थ इन्स्योरेन्समा दर्ता गर्ने तरिका", "health_insurance"),
        ("国民健康保险费太贵了", "out_of_scope"),
        ("tiền thuế thị dân cao quá, hỏi ở đâu", "out_of_scope"),
        ("gaji dipotong pajak, bagaimana minta kembali", "out_of_scope"),
        ("kanino niyo shine-share ang info ko", "privacy"),
        (
            "can i just type my question somewhere, the 0120 numbers don't work from abroad",
            "inquiry",
        ),
        ("บัตรจะเขียนชื่อเต็มได้ไหม ชื่อยาวมาก", "card"),
        ("申请已经两个月了，到哪一步了", "status"),
        ("a carta do meu marido chegou mas a minha ainda nao veio", "status"),
        ("แฟนเก่าเอาบัตรไปแล้วไม่คืน", "lost_card"),
        ("NO ENCUENTRO MI TARJETA MY NUMBER, LA TENGO QUE SUSPENDER?", "lost_card"),
        ("em về nước hẳn rồi, trả lại thẻ my number ở đâu", "card"),
        ("kumiai yang daftarkan kartu saya, sampai sekarang tidak ada kabar", "status"),
    ],
    19: [
        # the eighteenth's and the nineteenth's families (rounds 18 and 19 tuned at once)
        ("カードが割れました（なくしたわけではありません）、再交付は？", "card"),
        ("the bi gay mot goc, ko mat dau, lam lai duoc ko", "card"),
        ("बाटो हराएँ, वडा कार्यालय कसरी जाने", "out_of_scope"),
        ("to perdido nesse site, quero saber do nenkin", "out_of_scope"),
        ("कार्ड भेटियो, रोकेको कार्ड फेरि कसरी चलाउने", "card"),
        ("माई नम्बर कार्डलाई स्वास्थ्य बिमा कार्डको रूपमा दर्ता गर्ने", "health_insurance"),
        ("薬局で資格情報が無効と出た", "health_insurance"),
        ("换了工作，药局刷卡说没有资格信息", "health_insurance"),
        ("mi seguro nuevo del shakai hoken no aparece con la tarjeta", "health_insurance"),
        ("जापानी भाषामा भए पनि हुन्छ, जापानीको नम्बर दिनुहोस्", "japanese"),
        ("pwede mag-message na lang instead of call?", "inquiry"),
        ("ขอพิมพ์ส่งคำถามไปได้ไหม", "inquiry"),
        ("posso mandar minha duvida por email?", "inquiry"),
        ("no me llega nada de ustedes, tengo que desbloquear algun dominio?", "reply_email"),
        ("subjek emailnya tulisan Jepang, itu dari kalian?", "reply_email"),
        ("otoshimono shimashita, teishi no tetsuzuki wa?", "lost"),
        ("card ko PIN galat halera lock bhayo, kasari kholne", "card"),
        ("levaram minha bolsa com o cartão my number, qual o telefone pra suspender?", "lost_card"),
        ("श्रीमतीको माई नम्बर कार्ड हरायो, उनी आफैं फोन गर्छिन्", "lost_card"),
        ("the my number bi roi o dau ko biet, tim ko thay", "lost_card"),
        ("コンビニのコピー機にカードを忘れて、戻ったらもうなかった", "lost_card"),
        ("在便利店复印机忘记拔卡，回去已经没有了", "lost_card"),
        ("teman saya kabur, kartunya dibawa", "lost_card"),
        ("ลูกทำบัตรมายนัมเบอร์ตกที่สวนสนุก", "lost_card"),
        ("công ty không trả lương, khiếu nại ở đâu", "out_of_scope"),
        ("公司不给加班费还扣工资，去哪里投诉", "out_of_scope"),
        ("카드의 영문 이름 스펠링이 틀렸어요, 고칠 수 있나요", "card"),
        ("đi lấy thẻ ở yakusho cần mang những gì", "card"),
        ("me naturalizei e mudou meu nome, o que faço com o cartão", "card"),
        ("can i take the application photo myself or do i need a photo booth", "card"),
        ("es obligatorio sacar la tarjeta my number?", "card"),
        ("폰이 카드를 인식을 못해요", "card"),
        (
            "my number leaked to a fake recruiter who then blocked me, can the number be changed",
            "mynumber",
        ),
    ],
    21: [
        # the twentieth's and the twenty-first's families (rounds 20 and 21 tuned at once)
        ("i'm totally lost on the immigration website, where is the visa page", "out_of_scope"),
        ("chính sách bảo mật của trang web ở đâu", "privacy"),
        ("quero ver que dados vocês têm sobre mim", "privacy"),
        ("pwede ko bang makita ang info tungkol sa akin na naka-save sa inyo", "privacy"),
        ("số my number của em bị lộ trên mạng, đổi số được không", "mynumber"),
        ("nghiệp đoàn hỏi mã số của em, có nên đưa không", "mynumber"),
        ("muốn được trả lời bằng email", "inquiry"),
        ("hindi po nawala, nabasag lang yung card", "card"),
        ("nawala ko lang yung residence card ko, hindi yung my number", "out_of_scope"),
        ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ ﾌﾝｼﾂ ﾃｲｼ", "lost_card"),
        ("el seguro nuevo no aparece cuando paso la tarjeta en el hospital", "health_insurance"),
        ("esqueci o cartão na maquininha, voltei e não tava mais", "lost_card"),
        ("she dropped her individual number card at school and it has not turned up", "lost_card"),
        (
            "left my card holder with my my number card on the train "
            "and lost & found has nothing yet",
            "lost_card",
        ),
        ("deixei o cartão my number na loja, voltei e ninguem viu", "lost_card"),
        ("boleh teman ambilkan kartu saya di balai kota?", "card"),
        ("카드 나오기까지 보통 얼마나 걸려요?", "status"),
        ("นานแค่ไหนกว่าจะได้ไปรับบัตร", "status"),
        ("pinadala ko yung application, na-receive niyo na po ba?", "status"),
        ("someone pretending to be my bank got my account pin", "out_of_scope"),
    ],
    25: [
        # the twenty-second's to twenty-fifth's families (rounds 22 to 25 tuned at once)
        ("số báo mất thẻ là số nào", "lost_card"),
        ("qual é o número pra avisar a perda?", "lost"),
        ("não se perdeu, só rachou o chip do cartão my number", "card"),
        ("紛失ではないのですが、マイナンバーカードのICチップが割れました", "card"),
        (
            "achei que tinha perdido o cartão e bloqueei, mas tava no bolso. como desbloqueio?",
            "card",
        ),
        ("분실한 줄 알고 정지했는데 가방에서 나왔어요. 해제하고 싶어요", "card"),
        ("区役所に行く途中で迷路になっちゃった、どの出口？", None),
        ("หลงทางไปสถานทูต ช่วยหน่อย", None),
        ("job harayo, aba ke garne", None),
        ("मेरो जैरिउ कार्ड हरायो", "out_of_scope"),
        ("my suica card is gone, can you stop it", "out_of_scope"),
        (
            "교통카드랑 마이넘버카드가 든 지갑을 소매치기 당했어요. 카드도 안에 있었어요",
            "lost_card",
        ),
        ("my number card slipped out of my phone case at the park", "lost_card"),
        (
            "my wife left her phone on the train, her my number card is on it. "
            "station has not found it yet",
            "lost_phone",
        ),
        (
            "父がマイナンバーカードをどこにしまったか思い出せないそうです。止めた方がいいですか",
            "lost_card",
        ),
        ("しんせいしたけど まだとどかない いつとどく", "status"),
        ("半年前に申請したマイナンバーカード、どうなってる？", "status"),
        ("バイト先でマイナンバーカードのコピーを取られたけど大丈夫？", "mynumber"),
        (
            "窓口の者です。日本語が通じない方で、スペイン語でカードの更新を相談したいそうです",
            "card",
        ),
        ("신청서 ID를 어디서 확인하는지 모르겠어요", "status"),
        ("esqueci meu cartão my number na copiadora da 7-Eleven", "lost_card"),
        ("ร้านขายยาบอกว่าใช้บัตรเป็นโฮเค็นไม่ได้", "health_insurance"),
        ("kasal na ako sa Japanese, paano palitan ang apelyido sa my number card?", "card"),
        ("kailan darating yung my number card ko? nag apply ako noong april", "status"),
        ("không tìm thấy thẻ my number mấy hôm nay, có nên khóa tạm không", "lost_card"),
        ("收到交付通知书了，能让我妈妈替我去领卡吗", "card"),
        ("how do I set up my my number card on my android phone? it keeps failing", "card"),
        ("スマホにマイナンバーカードを搭載したいけど読み取りできない", "card"),
        ("怎么在手机上设置个人番号卡", "card"),
        ("berapa lama jadinya kartu my number setelah daftar?", "status"),
        ("บัตรมายนัมเบอร์ใช้เวลานานแค่ไหนกว่าจะได้", "status"),
        ("I lost my Pasmo on the bus, can you block it?", "out_of_scope"),
        (
            "I came back to Japan after three years abroad, is my my number the same as before?",
            "mynumber",
        ),
        ("volví de Perú después de dos años, ¿mi número es el mismo?", "mynumber"),
        ("nepal bata pharkiye, number uhi huncha?", "mynumber"),
        ("I work nights and can't phone, can I write and get the answer by email?", "inquiry"),
        ("không gọi được, viết câu hỏi rồi trả lời qua email được không", "inquiry"),
        ("白天没法打电话，可以写下来然后邮件回复吗", "inquiry"),
        ("somebody withdrew money from my account at an ATM without my permission", "out_of_scope"),
        ("sinyal HP saya hilang terus di kamar", None),
        ("マイナポイントの決済サービスを間違えて選んだ", "points"),
        ("บัตรแจ้งเลขยังใช้ได้ไหม", "mynumber"),
        ("मेरो जानकारी अरूलाई दिनुहुन्छ कि?", "privacy"),
        ("PIN galat halera card lock bhayo, ke garne", "card"),
        ("Esqueci a senha do cartão my number, como faço?", "card"),
    ],
    27: [
        # the twenty-sixth's and the twenty-seventh's families (rounds 26 and 27 tuned at once)
        (
            "after the plastic card arrives, do I have to keep the old paper notification card?",
            "mynumber",
        ),
        ("¿hay que guardar la tarjeta de notificación cuando ya tengo la my number?", "mynumber"),
        ("kailangan ko pa bang itago ang lumang notification card?", "mynumber"),
        (
            "a man said he was from my bank, I told him my number "
            "and then he took money from my account",
            "out_of_scope",
        ),
        (
            "銀行員を名乗る人に暗証番号を教えたら、口座からお金が引き出されていました",
            "out_of_scope",
        ),
        ("cara kirim uang ke keluarga di Indonesia", "out_of_scope"),
        ("नेपालमा घरमा पैसा पठाउने सजिलो तरिका", "out_of_scope"),
        ("재류카드 있어요. 마이넘버카드 처음 신청하려면 어떻게 해요?", "card"),
        ("माइ नम्बर कार्ड मोबाइलमा कसरी राख्ने?", "card"),
        ("想把个人番号卡放进iPhone，怎么弄", "card"),
        ("सूचना कार्ड र माइ नम्बर के फरक छ?", "mynumber"),
        ("quando o meu cartão my number vai ficar pronto?", "status"),
        ("บัตรไซริวหายค่ะ ไม่ใช่บัตรมายนัมเบอร์", "out_of_scope"),
        (
            "nahulog ko yung my number card ko, hindi siya marunong mag-Nihongo yung nanay ko",
            "lost_card",
        ),
        ("nagpakasal ako sa Japanese, paano ko papalitan ang apelyido sa my number card", "card"),
        ("em làm rơi thẻ my number ở ga, giờ phải làm sao", "lost_card"),
        ("我回国两年又回来了，个人番号还是以前那个吗", "mynumber"),
        ("me robaron la mochila con la my nanba kado", "lost_card"),
        ("ya me llegó la postal de que mi tarjeta está lista, qué tengo que llevar?", "card"),
        ("ganti kerja, data asuransi di kartu my number masih yang lama", "health_insurance"),
        ("引っ越しの段ボールに紛れたのか、マイナンバーカードが見当たりません", "lost_card"),
        ("母のマイナンバーカードの申請の進み具合を確認したい", "status"),
        ("how far along is my card application?", "status"),
        ("प्रश्न लेखेर पठाउँछु, जवाफ इमेलमा आउँछ?", "inquiry"),
        ("मेरो बैंकको ATM कार्ड हरायो", "out_of_scope"),
        ("bat my number hai, tong tham yang rai", "lost_card"),
        ("kartu my number saya hilang, masih ada layanan malam?", "lost_card"),
    ],
    29: [
        # the twenty-eighth's and the twenty-ninth's families (rounds 28 and 29 tuned at once)
        (
            "the screen of my phone cracked but I still have the phone, "
            "does the my number function still work?",
            "card",
        ),
        ("スマホの画面が割れました。スマホは手元にありますが、マイナの機能は使えますか", "card"),
        ("apa bedanya surat pemberitahuan dengan kartu my number?", "mynumber"),
        ("ano ang pinagkaiba ng notification card at my number card?", "mynumber"),
        ("¿la tarjeta de notificación todavía vale como comprobante?", "mynumber"),
        ("perdí mi tarjeta de puntos del supermercado", "out_of_scope"),
        ("ドラッグストアの会員カードをなくしました", "out_of_scope"),
        ("บัตร Suica หายที่สถานี", "out_of_scope"),
        ("I lost my temper with the clerk, how do I complain to the city?", "out_of_scope"),
        (
            "left my wallet with the my number card on the bus, the bus company found nothing",
            "lost_card",
        ),
        ("no puedo llamar, ¿me pueden responder por correo?", "inquiry"),
        ("申請したカードがどこまで進んでいるか知りたい", "status"),
        ("キャリアメールで返信を受信できますか。受信設定はどうすれば", "reply_email"),
        ("일본어 전화가 어려워서 글로 문의하고 싶어요", "inquiry"),
        ("bus ma phone chhutyo, my number card chai ma sanga cha", "lost_phone"),
        ("อยากถามวิธีใส่บัตรในไอโฟนค่ะ", "card"),
        ("스마트폰에 마이넘버카드 기능 설정하는 방법이 궁금해요", "card"),
        ("kelan ba matatapos ang my number card ko?", "status"),
        ("文書で回答をもらうことはできますか", "inquiry"),
        ("เผลอทิ้งใบแจ้งหมายเลขไปกับขยะ", "lost_card"),
    ],
    31: [
        # the thirtieth's and the thirty-first's families (rounds 30 and 31 tuned at once)
        (
            "I lost my my number card. Is there English on the phone? I can't speak much Japanese",
            "lost_card",
        ),
        ("em bị mất thẻ my number, có tiếng Việt không, tiếng Nhật em chưa giỏi", "lost_card"),
        (
            "nawala ang my number card ko, may Tagalog ba? hindi ako magaling mag-Nihongo",
            "lost_card",
        ),
        ("मेरो कार्ड चोरी भयो, नेपाली बोल्ने कोही छ? म जापानी राम्रो बोल्दिन", "lost_card"),
        ("I'd like to ask about my card application progress in English", "status"),
        ("mi mamá botó la tarjeta de notificación con los papeles viejos", "lost_card"),
        ("en el hospital no aparece mi registro de maina hoken", "health_insurance"),
        ("perdí mi kartu residence, digo, mi zairyu card", "out_of_scope"),
        ("I lost my room key, who do I call?", "out_of_scope"),
        ("bayi saya baru lahir, nomornya didapat dari mana?", "mynumber"),
        ("मेरो व्यक्तिगत जानकारी प्रयोग बन्द गर्नुहोस्", "privacy"),
        ("마이넘버카드가 없어졌어요. 집을 다 뒤졌는데 없어요", "lost_card"),
        ("पसलको साहुले तलब दिएन, के गर्ने?", "out_of_scope"),
        ("ร้านอาหารไม่จ่ายเงินเดือนค่ะ", "out_of_scope"),
        ("มีอีเมลตอบกลับมา ตอบอีเมลกลับไปแล้วเด้งกลับ", "reply_email"),
        ("em để quên thẻ ở máy kobini, quay lại không thấy", "lost_card"),
        ("se me perdió la my number, ¿hay alguien que hable español en el teléfono?", "lost_card"),
        ("¿van a compartir mi información con la municipalidad?", "privacy"),
        ("vocês passam minhas informações para a imigração?", "privacy"),
        ("Saya kembali ke Jepang, nomor individu saya sama?", "mynumber"),
        ("กลับมาญี่ปุ่นอีกครั้ง หมายเลขเหมือนเดิมไหม", "mynumber"),
        ("ทำกุญแจบ้านหาย", "out_of_scope"),
        ("hindi ko na mahanap ang my number card ko, dapat bang i-stop?", "lost_card"),
        ("naiwan ko ang my number card sa tren, hindi na nahanap", "lost_card"),
        ("想在手机上用个人番号卡，怎么设置", "card"),
        ("म जापानी भाषा स्कुलको विद्यार्थी हुँ, मेरो माई नम्बर कार्ड हरायो", "lost_card"),
    ],
    33: [
        # the thirty-second's and the thirty-third's families (rounds 32 and 33 tuned at once)
        ("número para japoneses, por favor", "japanese"),
        ("니혼고 창구 번호요", "japanese"),
        ("saya ketipu, sudah transfer uang ke orang yang ngaku petugas", "out_of_scope"),
        ("त्यो इमेलमा जवाफ फर्काउन मिल्छ कि मिल्दैन?", "reply_email"),
        ("casei com japonês, como mudo o sobrenome no cartão?", "card"),
        ("chegou o hagaki dizendo que o cartão está pronto, o que levo?", "card"),
        ("voltei do Brasil, vou receber um número novo?", "mynumber"),
        ("prefiro escrever, posso mandar a pergunta escrita?", "inquiry"),
        ("quanto é o juuminzei deste ano?", "out_of_scope"),
        ("โคคิน อุเคโทริ โคซะ ลงทะเบียนยังไง", "bank_account"),
        ("มีคนหลอกให้โอนเงิน ทำยังไงดี", "out_of_scope"),
        ("how to put my number card sa iPhone?", "card"),
        ("paano makuha ang mai na pointo?", "points"),
        ("both my phone and my card were in my jacket, both gone", "lost_phone"),
        ("I lost my ICOCA card on the train", "out_of_scope"),
        ("カードかスマホか分からないけど、マイナンバーの入ってる方がない", "lost_phone"),
        ("夫のスマホにスマホ用電子証明書を設定したい", "card"),
        ("हाम्रो नेपाली कर्मचारीको कार्ड हरायो, रोक्न कहाँ फोन गर्ने?", "lost_card"),
        ("mero information company lai dinuhuncha?", "privacy"),
        ("pwede ba mag-report ng nawalang my number card?", "lost_card"),
    ],
    35: [
        # the thirty-fourth's and the thirty-fifth's families (rounds 34 and 35 tuned at once)
        ("个人番号卡找到了。顺便问一下住民税怎么交", "out_of_scope"),
        (
            "my daughter lost her my number card, she doesn't speak much Japanese, "
            "is there English on the phone?",
            "lost_card",
        ),
        ("지하철에서 가방을 도둑맞았어요. 마이넘버카드가 안에 있었어요", "lost_card"),
        ("朝起きたらマイナンバーカードがありません。止めたいです", "lost_card"),
        ("¿cuándo va a estar lista mi tarjeta my number?", "status"),
        ("일본에 다시 왔는데 마이넘버 번호가 그대로인가요?", "mynumber"),
        ("想把个人番号卡装到手机上，怎么弄", "card"),
        ("iPhoneにマイナンバーカードを登録する方法", "card"),
        ("does my my number card expire with my residence status?", "card"),
    ],
    37: [
        # the thirty-sixth's and the thirty-seventh's families (rounds 36 and 37 tuned at once)
        ("the city sent me a letter that my card is ready, where do I pick it up?", "card"),
        ("how much furusato nouzei can I do this year?", "out_of_scope"),
        ("ふるさと納税の控除について知りたい", "out_of_scope"),
        ("고향납세 공제는 어떻게 받나요", "out_of_scope"),
        ("fiquei 3 anos no Brasil e voltei, vou ter o mesmo número?", "mynumber"),
        ("đi Việt Nam mấy năm giờ sang lại, số my number vẫn giữ nguyên phải không", "mynumber"),
        ("nomor individu saya masih sama nomornya kalau balik lagi ke Jepang?", "mynumber"),
        ("ano ang difference ng notification card sa my number card", "mynumber"),
        ("श्रीमतीले सूचना कार्ड फोहोरमा फालिदिनुभयो", "lost_card"),
        ("mất thẻ my na rồi, làm sao khóa", "lost_card"),
        ("I got lost on my way to the city hall, what time does it close?", None),
        ("could you tell me when my card will be issued? I applied in August", "status"),
        ("マイナのカードっていつできますか", "status"),
        ("recebi um email de vocês em japonês, esse email é de vocês mesmo?", "reply_email"),
        ("me llegó un correo raro, ¿es de ustedes el correo?", "reply_email"),
        ("อยากไปหาหมอ ใช้บัตรมายนัมเบอร์แทนบัตรประกันได้ไหม", "health_insurance"),
        ("สายภาษาไทยเปิดวันเสาร์ไหมคะ อยากต่ออายุบัตร", "card"),
        ("子どもの出生届は出したけど、個人番号の通知がまだ来ない", "mynumber"),
    ],
    39: [
        # the thirty-eighth's and the thirty-ninth's families (rounds 38 and 39 tuned at once)
        (
            "my coworker from Nepal lost his my number card, his English is not great, "
            "can he call in Nepali?",
            "lost_card",
        ),
        ("I need help with my tax return, I have my my number card", "out_of_scope"),
        ("my card is gone, someone may have taken it", "lost_card"),
        (
            "Got a scam call asking for my number and I sent them money, "
            "how do I recover my money?",
            "out_of_scope",
        ),
        ("can I talk in English about my card renewal? my Japanese isn't good enough", "card"),
        ("where do I collect my card? the city's postcard is all in Japanese", "card"),
        ("adik saya ngilangin kartu my number, harus dibekukan gimana?", "lost_card"),
        ("紙の保険証が廃止されたら、マイナンバーカードで病院にかかれますか", "health_insurance"),
        ("耳が遠いので、文書で問い合わせたいです", "inquiry"),
        ("ネットから質問を送りたいのですが", "inquiry"),
        ("申請が受付されてるか知りたい", "status"),
        (
            "아버지가 마이나카드를 잃어버리셨어요. "
            "일본어 전화는 어려우시고 한국어로 하고 싶어하세요",
            "lost_card",
        ),
        ("스마호를 잃어버렸어요, 마이나 전자증명서가 들어있어요", "lost_phone"),
        ("종이 보험증이 없어지면 마이넘버카드로 진료받나요", "health_insurance"),
        ("티머니 카드를 잃어버렸어요", "out_of_scope"),
        ("연말조정 세금 환급은 언제 들어와요?", "out_of_scope"),
        ("veio um aviso sobre o kouhi uketori kouza, golpe ou verdade?", "bank_account"),
        ("meu japonês é fraco, queria escrever a dúvida por aqui e receber a resposta", "inquiry"),
        ("ภาษีท้องถิ่นปีนี้ทำไมแพงจัง", "out_of_scope"),
        (
            "Yung biyenan ko na Japanese, nawala yung my number card ko, paano i-suspend?",
            "lost_card",
        ),
        ("mahina ang nihongo ko, pwede bang magsulat na lang ng tanong?", "inquiry"),
        ("Nawala ko yung bank card ko sa ATM", "out_of_scope"),
        ("may tax ba ang padala ko sa Pinas?", "out_of_scope"),
        ("能不能用文字提问？", "inquiry"),
        ("兼职工资要交税吗", "out_of_scope"),
        ("¿cómo configurar la my number en mi celular?", "card"),
        ("nhận thẻ ở đâu vậy ạ, em có bưu thiếp rồi", "card"),
    ],
    41: [
        # the fortieth's and the forty-first's families (rounds 40 and 41 tuned at once)
        ("istri saya kehilangan kartu my number, dia belum lancar bahasa Jepang", "lost_card"),
        ("ウェブから質問を送ることはできますか", "inquiry"),
        ("मेरो हरियो नोटिफिकेसन कार्ड अझै प्रयोग गर्न मिल्छ?", "mynumber"),
        ("यो वर्ष कर कति तिर्नुपर्छ?", "out_of_scope"),
        ("บัตรประชาชนไทยหาย", "out_of_scope"),
        ("กระเป๋าหายที่งานเทศกาลไทย มีบัตรมายนัมเบอร์อยู่ข้างใน", "lost_card"),
        ("my wife's iPhone was stolen, it has her Japanese My Number card on it", "lost_phone"),
        ("Pwede bang magtanong thru writing lang?", "inquiry"),
        ("I work nights, can I submit my question online and get a reply later?", "inquiry"),
        ("글로 문의하고 답변을 받고 싶어요", "inquiry"),
        ("回国两年又回来了，我的个人号码还是原来的吗", "mynumber"),
        ("something with my e-certificate on it got stolen, what's the emergency number?", "lost"),
        (
            "our company firewall may be blocking your emails, which address do they come from?",
            "reply_email",
        ),
        ("¿cómo pongo mi my number en el iPhone?", "card"),
        ("¿cómo va mi trámite de la tarjeta?", "status"),
        ("me llegó un correo en japonés, ¿son ustedes?", "reply_email"),
        ("cara pasang my number di hp iphone", "card"),
        ("カードの件で電話があり、言われるままお金を振り込んでしまった", "out_of_scope"),
        ("iPhone मा माइनम्बर कार्ड कसरी सेटअप गर्ने?", "card"),
        ("bat mai number hai, tong tham arai", "lost_card"),
        ("कोठा सर्दा माइनम्बर कार्ड फालियो जस्तो छ", "lost_card"),
    ],
    43: [
        # the forty-second's and the forty-third's families (rounds 42 and 43 tuned at once)
        ("found it in my jacket, never mind, sorry", None),
        ("ya la encontré, olvídenlo", None),
        ("udah ketemu kartunya, nggak jadi ya", None),
        ("カードありました、お騒がせしました", None),
        ("achei o cartão na mochila, desculpa o incômodo", None),
        ("found my card, never mind, but how do I renew it?", "card"),
        ("通知カードを古い書類と一緒に捨てたかもしれません", "lost_card"),
        ("スマホをなくしました。マイナカード機能あり。日本語で対応してほしい", "lost_phone"),
        ("스마트폰에 마이넘버카드 기능을 등록하려는데 안 돼요", "card"),
        ("은행 카드를 잃어버렸어요", "out_of_scope"),
        ("मेरो साथीको माइ नम्बर कार्ड हरायो, उ जापानी बोल्न सक्दैन, नेपालीमा फोन गर्न मिल्छ?", "lost_card"),
        ("बसमा माइनम्बर कार्ड छुट्यो", "lost_card"),
        ("pwede bang ibang tao ang kumuha ng card ko sa city hall?", "card"),
        ("有人打电话让我把钱转到一个账户，说是个人编号的事", "out_of_scope"),
        ("mandei o pedido mês passado, será que já estão processando?", "status"),
        ("a farmácia não acha o seguro no meu cartão my number", "health_insurance"),
        ("nawala yung trabaho ko, saan pwedeng humingi ng tulong?", None),
        ("pwede bang sagot by email na lang?", "inquiry"),
        ("trả lời cho em qua email được không ạ", "inquiry"),
    ],
    45: [
        # the forty-fourth's and the forty-fifth's families (rounds 44 and 45 tuned at once)
        ("आमाको माइ नम्बर कार्ड हरायो, उहाँ जापानी बोल्नुहुन्न, नेपालीमा फोन गर्न मिल्छ?", "lost_card"),
        ("माइ नम्बर कार्डलाई हेल्थ इन्सुरेन्सको रूपमा कसरी प्रयोग गर्ने?", "health_insurance"),
        ("nag-asawa ako ng Japanese, paano palitan ang apelyido sa card?", "card"),
        ("nag-apply ako ng my number card noong Mayo, na-receive na ba?", "status"),
        (
            "my wallet was stolen with my my number card, neither of us speaks Japanese, "
            "is there English?",
            "lost_card",
        ),
        ("I'm totally lost with the year end adjustment, where do I start?", "out_of_scope"),
        ("¿dónde está la oficina de impuestos del municipio?", "out_of_scope"),
        ("クレジットカードを落としました、カード会社に連絡したい", "out_of_scope"),
        ("申請書をなくしてしまいました。もう一度カードを申請できますか", "card"),
        ("英語の窓口にかけてしまいました。日本語の番号を教えてください", "japanese"),
    ],
    47: [
        # the forty-sixth's and the forty-seventh's families (rounds 46 and 47 tuned at once)
        ("my notice went out with the recycling by mistake, what now?", "lost_card"),
        ("the phone lines are busy, can I submit something online instead?", "inquiry"),
        ("I use a docomo address, will your reply get blocked?", "reply_email"),
        ("got scammed by a fake call and lost 50,000 yen, what do I do?", "out_of_scope"),
        ("em bị lừa chuyển khoản, mất 10 man", "out_of_scope"),
        ("botamos la tarjeta de notificación con la basura", "lost_card"),
        ("스이카 카드를 잃어버렸어요", "out_of_scope"),
        ("लुटियो, पर्स र मोबाइल दुवै गयो", "lost_phone"),
        ("em quên mật mã 4 số", "card"),
        ("my card was stolen, not my phone, who do I call at night?", "lost_card"),
        ("I sent the form days ago and no email came back", "reply_email"),
        ("me perdí, ¿cómo llego al ayuntamiento?", None),
        ("prefiero recibir la respuesta por correo electrónico", "inquiry"),
        ("할아버지가 마이넘버카드를 잃어버리셨어요. 일본어보다 한국어가 편하세요", "lost_card"),
        ("sathi le mero notification card phalidiyo", "lost_card"),
        ("จะเอาข้อมูลของฉันไปใช้ทำอะไร", "privacy"),
    ],
    49: [
        # the forty-eighth's and the forty-ninth's families (rounds 48 and 49 tuned at once)
        ("通知カードを古紙回収に出してしまった気がします", "lost_card"),
        ("मेरो जैर्यु कार्ड हरायो", "out_of_scope"),
        (
            "no reply after a week, my address is gmail, could your email be filtered?",
            "reply_email",
        ),
        ("父が帰国後また日本に戻ってきました。番号は前と同じですか", "mynumber"),
        ("주민세는 얼마예요?", "out_of_scope"),
        ("nakalimutan ko yung PIN, nawala sa isip ko, naka-lock na", "card"),
    ],
    51: [
        # the fiftieth's and the fifty-first's families (rounds 50 and 51 tuned at once)
        ("my card is missing after a trip to Osaka, is there phone support?", "lost_card"),
        ("the pharmacy says my insurance info not found on my card", "health_insurance"),
        (
            "someone asked for my bank PIN on the phone and then money left my account",
            "out_of_scope",
        ),
        ("lost my wallet with my credit cards, my number card was at home luckily", "out_of_scope"),
        ("se me cayó la tarjeta my number no sé dónde", "lost_card"),
        ("¿comparten mis datos con empresas?", "privacy"),
        ("カードにひびが入りました。なくしてはいません", "card"),
        ("이코카 카드를 잃어버렸어요", "out_of_scope"),
        ("마이넘버카드 꼭 만들어야 돼요?", "mynumber"),
    ],
    53: [
        # the fifty-second's and the fifty-third's families (rounds 52 and 53 tuned at once)
        ("se me rompió la tarjeta, no está perdida, está partida", "card"),
        ("perdimos el partido ayer jaja, pero ¿cómo cobro el nenkin al volver?", "out_of_scope"),
        ("은행 사칭 전화에 속아서 비밀번호를 알려줬어요", "out_of_scope"),
        ("मालिकले मेरो माइ नम्बर कापीमा लेखेर राख्नुभयो, ठीक हो?", "mynumber"),
        ("रेमिट कार्ड हरायो", "out_of_scope"),
        ("chegou a cartinha, preciso levar o passaporte junto?", "card"),
        ("mất thẻ my number mấy ngày rồi vẫn chưa tìm thấy", "lost_card"),
        ("包里的個人番号カード没了", "lost_card"),
        ("perdimos la tarjeta my number en la mudanza", "lost_card"),
        ("¿los extranjeros reciben los puntos de my number?", "points"),
        ("スマホ用電子証明書の設定ができません", "card"),
        ("銀行を名乗る電話で口座を教えてしまった、お金を取り戻したい", "out_of_scope"),
        ("마이나호켄쇼로 병원 가도 되나요", "health_insurance"),
        ("온라인으로 문의해도 되나요", "inquiry"),
        ("โนติฟิเคชั่นการ์ดหาย", "lost_card"),
        ("ถามทางออนไลน์ได้ไหมคะ", "inquiry"),
        ("bị trộm xe máy thì báo ở đâu", "out_of_scope"),
        ("卡找到了，之前停用了，怎么恢复使用", "card"),
    ],
}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("please block my card", "lost_card"),
        ("I need to freeze my card", "lost_card"),
        ("no encuentro mi tarjeta", "lost_card"),
        ("quero bloquear meu cartão", "lost_card"),
        ("se llevó mi tarjeta", "lost_card"),
        ("카드만 없어졌어요", "lost_card"),
        ("手机没了", "lost_phone"),
        ("thẻ rớt ở ga rồi", "lost_card"),
    ],
)
def test_a_loss_said_in_one_phrase_with_the_item_names_the_item(text: str, topic: str) -> None:
    # The phrase of the loss holds the item: the item is not asked for again (rule 1).
    assert read(text).topic == topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        pytest.param(text, topic, id=f"round{n}-{i}")
        for n, cases in FAMILIES_BY_ROUND.items()
        for i, (text, topic) in enumerate(cases)
    ],
)
def test_the_families_of_each_blind_round_are_read(text: str, topic: str | None) -> None:
    assert read(text).topic == topic


def test_a_language_named_only_as_not_spoken_is_no_phone_language() -> None:
    assert read("a thai restaurant worker lost her my number card").phone_language is None
    assert read("one of our interns from Indonesia lost her my number card").phone_language is None
    reading = read("nawala ng lolo ko ang my number card niya, di siya marunong mag-Japanese")
    assert reading.topic == "lost_card" and reading.phone_language is None
    reading = read("Yung biyenan ko na Japanese, nawala yung my number card ko, paano i-suspend?")
    assert reading.topic == "lost_card" and reading.phone_language is None
    reading = read("istri saya kehilangan kartu my number, dia belum lancar bahasa Jepang")
    assert reading.topic == "lost_card" and reading.phone_language is None
    reading = read("my wife's iPhone was stolen, it has her Japanese My Number card on it")
    assert reading.topic == "lost_phone" and reading.phone_language is None
    reading = read("スマホをなくしました。マイナカード機能あり。日本語で対応してほしい")
    assert reading.topic == "lost_phone" and reading.phone_language == "ja"
    reading = read("my wallet was stolen with my card, neither of us speaks Japanese, any English?")
    assert reading.topic == "lost_card" and reading.phone_language == "en"
    reading = read("할아버지가 마이넘버카드를 잃어버리셨어요. 일본어보다 한국어가 편하세요")
    assert reading.topic == "lost_card" and reading.phone_language == "ko"
    reading = read("his phone was stolen, he is not confident in English, can he call in Nepali?")
    assert reading.phone_language == "ne"
    reading = read("lost my card, my english is not good, anyone for Nepali?")
    assert reading.topic == "lost_card" and reading.phone_language == "ne"


def test_japanese_named_as_not_spoken_leaves_the_language_that_is() -> None:
    reading = read("my wife lost her card, she can't speak Japanese, only Chinese please")
    assert reading.topic == "lost_card" and reading.phone_language == "zh"


@pytest.mark.parametrize(
    "text",
    ["una consulta", "문의 좀 드릴게요", "咨询一下", "I have a question", "สอบถามหน่อยค่ะ", "문의요"],
)
def test_a_question_announced_but_not_asked_is_the_menu(text: str) -> None:
    assert read(text).topic is None
