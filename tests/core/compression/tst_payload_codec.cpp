// The zstd payload codec: every payload comes back byte for byte, with and without a trained
// dictionary; a dictionary makes the generator's small events smaller than compressing each
// alone; and every way a frame cannot be read (no dictionary, the wrong one, damaged bytes) is a
// CodecError that says why, never a crash or wrong bytes.
#include <QtTest/QtTest>

#include "core/demo/load_generator.h"
#include "core/compression/payload_codec.h"

using namespace spillway;

namespace {

std::vector<std::string> generator_events(int count, int payload_bytes, int64_t first_seq) {
    std::vector<std::string> events;
    for (int i = 0; i < count; ++i) {
        const int64_t seq = first_seq + i;
        events.push_back(make_event_json("g1-" + std::to_string(seq), int(seq % 500), seq,
                                         1'790'000'000'000 + seq * 37, payload_bytes,
                                         uint64_t(seq) * 7919));
    }
    return events;
}

std::shared_ptr<ZstdDictionary> trained(int id, int count = 2000) {
    return std::make_shared<ZstdDictionary>(
        id, train_zstd_dictionary(generator_events(count, 300, 0), 32 * 1024), 3);
}

}  // namespace

class TstPayloadCodec : public QObject {
    Q_OBJECT
private slots:
    void roundTripsByteForByte_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("empty object") << QByteArray("{}");
        QTest::newRow("generator 300 B")
            << QByteArray::fromStdString(generator_events(1, 300, 9'000'000).front());
        QTest::newRow("generator 5 KB")
            << QByteArray::fromStdString(generator_events(1, 5000, 9'000'001).front());
        QTest::newRow("unicode and escapes")
            << QByteArray("{\"event_id\":\"\xc3\xa9\xe2\x82\xac\",\"s\":\"a\\u0000b\\\"\\n\"}");
        static constexpr char nul_and_high[] = "{\"x\":\"\0\xff\xfe\"}";
        QTest::newRow("NUL and high bytes") << QByteArray(nul_and_high, sizeof nul_and_high - 1);
        QTest::newRow("1 MiB") << QByteArray(1 << 20, 'x');
    }
    void roundTripsByteForByte() {
        QFETCH(QByteArray, payload);
        const std::string text = payload.toStdString();
        const auto dictionary = trained(1);
        ZstdCodec codec(3);
        std::string frame;
        for (const ZstdDictionary* used : {static_cast<const ZstdDictionary*>(nullptr),
                                           static_cast<const ZstdDictionary*>(dictionary.get())}) {
            codec.compress(text, used, frame);
            QVERIFY(!frame.empty());
            QCOMPARE(codec.decompress(frame, used), text);
        }
    }

    void dictionaryBeatsCompressingEachEventAlone() {
        const auto dictionary = trained(1);
        // Events the dictionary was not trained on.
        const auto events = generator_events(1000, 300, 1'000'000);
        const double alone = compression_ratio(events, nullptr, 3);
        const double with_dictionary = compression_ratio(events, dictionary.get(), 3);
        QVERIFY2(
            with_dictionary > alone * 1.5,
            qPrintable(QString("alone %1, with dictionary %2").arg(alone).arg(with_dictionary)));
    }

    void frameWithoutItsDictionaryIsAClearError() {
        const auto dictionary = trained(7);
        ZstdCodec codec(3);
        std::string frame;
        codec.compress(generator_events(1, 300, 5).front(), dictionary.get(), frame);
        try {
            codec.decompress(frame, nullptr);
            QFAIL("a dictionary frame decompressed without its dictionary");
        } catch (const CodecError& error) {
            QVERIFY2(std::string(error.what()).find("needs a dictionary") != std::string::npos,
                     error.what());
        }
    }

    void frameWithTheWrongDictionaryIsAClearError() {
        const auto right = trained(1, 2000);
        const auto wrong = std::make_shared<ZstdDictionary>(
            2, train_zstd_dictionary(generator_events(2000, 5000, 50'000), 32 * 1024), 3);
        ZstdCodec codec(3);
        std::string frame;
        codec.compress(generator_events(1, 300, 5).front(), right.get(), frame);
        QVERIFY_THROWS_EXCEPTION(CodecError, codec.decompress(frame, wrong.get()));
    }

    void damagedFrameIsAClearError_data() {
        QTest::addColumn<int>("damage");  // 0: truncate, 1: flip a byte, 2: not a frame
        QTest::newRow("truncated") << 0;
        QTest::newRow("flipped byte") << 1;
        QTest::newRow("not zstd") << 2;
    }
    void damagedFrameIsAClearError() {
        QFETCH(int, damage);
        ZstdCodec codec(3);
        const std::string text = generator_events(1, 5000, 3).front();
        std::string frame;
        codec.compress(text, nullptr, frame);
        if (damage == 0)
            frame.resize(frame.size() / 2);
        else if (damage == 1)
            frame[frame.size() / 2] = static_cast<char>(frame[frame.size() / 2] ^ 0x5a);
        else
            frame = "{\"plain\":\"json\"}";
        try {
            // Frames carry no checksum (4 bytes on a ~70-byte frame is too dear): a flipped
            // literal byte can decode, but then never to the original bytes.
            const std::string back = codec.decompress(frame, nullptr);
            QVERIFY2(damage == 1 && back != text, "damaged frame decoded to the original");
        } catch (const CodecError& error) {
            QVERIFY(std::string(error.what()).size() > 10);
        }
    }

    void trainingOnTooLittleIsAClearError() {
        QVERIFY_THROWS_EXCEPTION(CodecError,
                                 train_zstd_dictionary(generator_events(3, 300, 0), 32 * 1024));
    }
};

QTEST_GUILESS_MAIN(TstPayloadCodec)
#include "tst_payload_codec.moc"
