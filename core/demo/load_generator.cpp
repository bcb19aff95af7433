#include "core/demo/load_generator.h"

#include "core/common/logging.h"
#include "core/kafka/kafka_handle.h"

#include <librdkafka/rdkafka.h>

#include <QLoggingCategory>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace spillway {

namespace {

using Clock = std::chrono::steady_clock;

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// xoshiro256**: a few ns per draw, and the same seed gives the same message mix on every run,
// which std::random_device-seeded engines would not.
class Rng {
public:
    explicit Rng(uint64_t seed) {
        for (auto& word : s_)
            word = splitmix64(seed);
    }
    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<uint64_t, 4> s_{};
};

constexpr std::array<std::string_view, 6> kEventTypes = {"temperature", "humidity", "motion",
                                                         "door",        "power",    "heartbeat"};
constexpr std::array<std::string_view, 4> kFirmware = {"1.4.2", "1.4.3", "1.5.0", "2.0.1"};
constexpr int kSites = 8;
constexpr size_t kRecentEvents = 1024;
constexpr int kMalformedVariants = 7;

template <typename Int>
void append_int(std::string& out, Int value) {
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, result.ptr);
}

void append_zero_padded(std::string& out, uint64_t value, int width) {
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    const auto digits = static_cast<int>(result.ptr - buf);
    if (digits < width)
        out.append(static_cast<size_t>(width - digits), '0');
    out.append(buf, result.ptr);
}

// Fixed-point numbers are written from integers: to_chars(double) would print 21.400000000000002.
void append_fixed(std::string& out, int64_t scaled, int decimals) {
    int64_t unit = 1;
    for (int i = 0; i < decimals; ++i)
        unit *= 10;
    if (scaled < 0) {
        out.push_back('-');
        scaled = -scaled;
    }
    append_int(out, scaled / unit);
    out.push_back('.');
    append_zero_padded(out, static_cast<uint64_t>(scaled % unit), decimals);
}

void append_iso8601_utc(std::string& out, int64_t ts_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> tp{milliseconds{ts_ms}};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{tp - day};
    append_zero_padded(out, static_cast<uint64_t>(static_cast<int>(ymd.year())), 4);
    out.push_back('-');
    append_zero_padded(out, static_cast<unsigned>(ymd.month()), 2);
    out.push_back('-');
    append_zero_padded(out, static_cast<unsigned>(ymd.day()), 2);
    out.push_back('T');
    append_zero_padded(out, static_cast<uint64_t>(hms.hours().count()), 2);
    out.push_back(':');
    append_zero_padded(out, static_cast<uint64_t>(hms.minutes().count()), 2);
    out.push_back(':');
    append_zero_padded(out, static_cast<uint64_t>(hms.seconds().count()), 2);
    out.push_back('.');
    append_zero_padded(out, static_cast<uint64_t>(hms.subseconds().count()), 3);
    out.push_back('Z');
}

void append_device_id(std::string& out, int device) {
    out.append("dev-");
    append_zero_padded(out, static_cast<uint64_t>(std::max(device, 0)), 5);
}

size_t format_device_id(char (&buf)[32], int device) {
    std::memcpy(buf, "dev-", 4);
    char digits[24];
    const auto result =
        std::to_chars(digits, digits + sizeof digits, static_cast<uint64_t>(std::max(device, 0)));
    const auto count = static_cast<size_t>(result.ptr - digits);
    size_t pos = 4;
    for (size_t i = count; i < 5; ++i)
        buf[pos++] = '0';
    std::memcpy(buf + pos, digits, count);
    return pos + count;
}

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out.append("\\u00");
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void append_event_id(std::string& out, std::string_view prefix, std::string_view infix,
                     uint64_t seq) {
    out.assign(prefix);
    out.push_back('-');
    out.append(infix);
    append_zero_padded(out, seq, 12);
}

// Builds into `out` (cleared first) so the hot loop reuses one buffer per ring slot instead of
// allocating a string per message.
void build_event_json(std::string& out, std::string_view event_id, int device, int64_t seq,
                      int64_t ts_ms, int payload_bytes, uint64_t noise) {
    uint64_t rs = noise;
    const auto draw = [&rs](uint64_t n) { return static_cast<int64_t>(splitmix64(rs) % n); };
    // Per-device baselines make a device's readings plausible over time rather than white noise.
    const uint64_t device_hash = [device] {
        uint64_t d = static_cast<uint64_t>(device);
        return splitmix64(d);
    }();
    const int64_t base_temp = 150 + static_cast<int64_t>(device_hash % 150);  // 15.0..29.9 C

    out.clear();
    out.append("{\"event_id\":");
    append_json_string(out, event_id);
    out.append(",\"device_id\":\"");
    append_device_id(out, device);
    out.append("\",\"event_type\":\"");
    out.append(kEventTypes[static_cast<size_t>(draw(kEventTypes.size()))]);
    out.append("\",\"ts\":\"");
    append_iso8601_utc(out, ts_ms);
    out.append("\",\"seq\":");
    append_int(out, seq);
    out.append(",\"temperature_c\":");
    const int64_t temp = base_temp + draw(41) - 20;
    append_fixed(out, temp, 1);
    out.append(",\"humidity_pct\":");
    append_fixed(out, 200 + static_cast<int64_t>((device_hash >> 16) % 400) + draw(51) - 25, 1);
    out.append(",\"battery_v\":");
    append_fixed(out, 300 + draw(121), 2);
    out.append(",\"rssi_dbm\":");
    append_int(out, -40 - draw(56));
    out.append(",\"firmware\":\"");
    out.append(kFirmware[(device_hash >> 32) % kFirmware.size()]);
    out.append("\",\"site\":\"plant-");
    append_int(out, static_cast<int>((device_hash >> 40) % kSites) + 1);
    out.push_back('"');

    constexpr size_t kPadOverhead = sizeof(",\"pad\":\"\"}") - 1;
    const auto target = static_cast<size_t>(std::max(payload_bytes, 0));
    // Large events carry a burst of samples, the way batching sensors report; the pad only
    // tops the size up, so most of a big payload is still number-shaped text.
    if (target >= 1000 && target > out.size() + kPadOverhead + 64) {
        const size_t budget = (target - out.size() - kPadOverhead) * 3 / 4;
        out.append(",\"readings\":[");
        const size_t stop_at = out.size() + budget;
        int64_t value = temp * 10;
        bool first = true;
        while (out.size() + 8 < stop_at) {
            if (!first)
                out.push_back(',');
            first = false;
            value += draw(21) - 10;
            append_fixed(out, value, 2);
        }
        out.push_back(']');
    }

    out.append(",\"pad\":\"");
    const size_t used = out.size() + 2;
    if (target > used) {
        const size_t pad = target - used;
        const size_t begin = out.size();
        out.resize(begin + pad);
        char* p = out.data() + begin;
        for (size_t i = 0; i < pad; i += 8) {
            uint64_t bits = splitmix64(rs);
            for (size_t j = i; j < std::min(pad, i + 8); ++j, bits >>= 8)
                p[j] = static_cast<char>('a' + (bits & 0xff) % 26);
        }
    }
    out.append("\"}");
}

}  // namespace

std::string make_event_json(const std::string& event_id, int device, int64_t seq, int64_t ts_ms,
                            int payload_bytes, uint64_t noise) {
    std::string out;
    out.reserve(static_cast<size_t>(std::max(payload_bytes, 256)) + 16);
    build_event_json(out, event_id, device, seq, ts_ms, payload_bytes, noise);
    return out;
}

std::string make_malformed_message(uint64_t variant, const std::string& valid_example) {
    static constexpr std::string_view kIdField = "\"event_id\":";
    switch (variant % kMalformedVariants) {
        case 0:  // a producer that died mid-write
            return valid_example.substr(0, valid_example.size() / 2);
        case 1: {  // a plain-text log line sent to the wrong topic
            std::string out = "garbage: device reboot, last frame ";
            out.append(valid_example, std::min<size_t>(1, valid_example.size()));
            std::replace(out.begin(), out.end(), '{', '(');
            std::replace(out.begin(), out.end(), '}', ')');
            return out;
        }
        case 2:  // a tombstone-like empty value
            return std::string();
        case 3:  // a batch wrapper the consumer does not unpack
            return "[" + valid_example + "]";
        case 4: {  // the id field dropped by a buggy serializer
            const size_t at = valid_example.find(kIdField);
            if (at == std::string::npos)
                return "{\"device_id\":\"dev-00000\"}";
            size_t end = valid_example.find(',', at);
            end = end == std::string::npos ? valid_example.size() - 1 : end + 1;
            std::string out = valid_example;
            out.erase(at, end - at);
            return out;
        }
        case 5: {  // the id wrapped in an object by a serializer: neither a string nor a number
            const size_t at = valid_example.find(kIdField);
            if (at == std::string::npos || valid_example.size() <= at + kIdField.size() ||
                valid_example[at + kIdField.size()] != '"')
                return "{\"event_id\":{\"value\":42}}";
            const size_t value_begin = at + kIdField.size();
            const size_t value_end = valid_example.find('"', value_begin + 1);
            if (value_end == std::string::npos)
                return "{\"event_id\":{\"value\":42}}";
            std::string out = valid_example.substr(0, value_begin);
            out += "{\"value\":";
            out.append(valid_example, value_begin, value_end + 1 - value_begin);
            out += '}';
            out.append(valid_example, value_end + 1);
            return out;
        }
        default: {  // Latin-1 bytes from an old gateway: "\xC3\x28" is an invalid UTF-8 sequence
            static constexpr std::string_view kBad = "\xC3\x28\xFF";
            static constexpr std::string_view kSite = "\"site\":\"";
            std::string out = valid_example;
            size_t at = out.find(kSite);
            if (at != std::string::npos) {
                out.insert(at + kSite.size(), kBad);
            } else if ((at = out.find(kIdField)) != std::string::npos &&
                       at + kIdField.size() < out.size() && out[at + kIdField.size()] == '"') {
                out.insert(at + kIdField.size() + 1, kBad);
            } else {
                out = "{\"event_id\":\"" + std::string(kBad) + "\"}";
            }
            return out;
        }
    }
}

struct LoadGenerator::State {
    explicit State(LoadGeneratorOptions opts)
        : options(std::move(opts)),
          rate(options.rate_per_sec),
          duplicate_share(std::clamp(options.duplicate_share, 0.0, 1.0)),
          malformed_share(std::clamp(options.malformed_share, 0.0, 1.0)),
          payload_bytes(std::max(options.payload_bytes, 0)) {}

    LoadGeneratorOptions options;
    std::atomic<double> rate;
    std::atomic<double> duplicate_share;
    std::atomic<double> malformed_share;
    std::atomic<int> payload_bytes;

    std::atomic<bool> paused{false};
    std::atomic<bool> stop_requested{false};
    std::atomic<bool> finished{false};
    // Set when wait() gave up on stragglers and counted them failed; late reports are ignored so
    // nothing is counted twice.
    std::atomic<bool> abandoned{false};

    std::atomic<int64_t> delivered{0};
    std::atomic<int64_t> delivery_failed{0};
    std::atomic<int64_t> valid_distinct{0};
    std::atomic<int64_t> duplicates{0};
    std::atomic<int64_t> malformed{0};
    std::atomic<int64_t> bytes{0};

    KafkaHandle rk;
    KafkaTopic rkt;  // declared after rk: freed before it
    std::thread thread;
    std::mutex wait_mutex;

    int64_t produced() const {
        return valid_distinct.load() + duplicates.load() + malformed.load();
    }
    int64_t outstanding() const { return produced() - delivered.load() - delivery_failed.load(); }

    static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
        auto* self = static_cast<State*>(opaque);
        if (self->abandoned.load(std::memory_order_relaxed))
            return;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            self->delivered.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const int64_t failures = self->delivery_failed.fetch_add(1, std::memory_order_relaxed) + 1;
        if (failures <= 10 || (failures & (failures - 1)) == 0)
            qCWarning(lcLoadgen, "delivery to %s [%d] failed (%lld so far): %s",
                      rd_kafka_topic_name(message->rkt), static_cast<int>(message->partition),
                      static_cast<long long>(failures), rd_kafka_err2str(message->err));
    }

    // Paces against an absolute schedule (origin + n/rate) so sleep overshoot does not
    // accumulate into a lower rate. Returns false if stop() arrived while waiting.
    struct Pacer {
        double rate = 0;
        Clock::time_point origin;
        int64_t sent = 0;
    };
    bool pace(Pacer& pacer) {
        for (;;) {
            if (paused.load(std::memory_order_relaxed)) {
                if (stop_requested.load(std::memory_order_relaxed))
                    return false;
                rd_kafka_poll(rk.get(), 0);
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                pacer.rate = -1;  // resuming starts a new schedule: no catch-up burst
                continue;
            }
            const double rate_now = rate.load(std::memory_order_relaxed);
            if (rate_now <= 0) {
                pacer.rate = rate_now;
                return true;
            }
            const auto now = Clock::now();
            if (rate_now != pacer.rate) {  // a new rate starts a new schedule right away
                pacer.rate = rate_now;
                pacer.origin = now;
                pacer.sent = 0;
            }
            const auto due =
                pacer.origin +
                std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(pacer.sent) / rate_now));
            // Messages due within the next millisecond go now: sleeping for less is not
            // reliable and high rates would otherwise spin.
            if (due <= now + std::chrono::milliseconds(1)) {
                // After a stall (slow broker, full queue) catch up by at most ~100 ms worth
                // instead of bursting the whole backlog.
                if (now - due > std::chrono::milliseconds(100)) {
                    pacer.origin = now;
                    pacer.sent = 0;
                }
                ++pacer.sent;
                return true;
            }
            if (stop_requested.load(std::memory_order_relaxed))
                return false;
            rd_kafka_poll(rk.get(), 0);
            // Short chunks keep stop() and set_rate() responsive at rates like 1/s.
            std::this_thread::sleep_for(
                std::min<Clock::duration>(due - now, std::chrono::milliseconds(10)));
        }
    }

    // Returns false if the message was not queued: stop() during back-pressure, or a permanent
    // produce error.
    bool produce(const std::string& payload, const char* key, size_t key_len) {
        for (;;) {
            // The C API takes a non-const payload; with F_COPY librdkafka only reads it.
            if (rd_kafka_produce(rkt.get(), RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                 const_cast<char*>(payload.data()), payload.size(), key, key_len,
                                 nullptr) == 0)
                return true;
            const rd_kafka_resp_err_t err = rd_kafka_last_error();
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                // Back-pressure, not loss: serve delivery reports to free queue space and retry.
                if (stop_requested.load(std::memory_order_relaxed))
                    return false;
                rd_kafka_poll(rk.get(), 10);
                continue;
            }
            qCCritical(lcLoadgen, "produce to %s failed, generator stops: %s",
                       options.topic.c_str(), rd_kafka_err2str(err));
            return false;
        }
    }

    void run() {
        struct Recent {
            std::string payload;
            int device = 0;
        };
        Rng rng(options.seed);
        std::vector<Recent> recent(kRecentEvents);
        size_t recent_count = 0;
        size_t recent_next = 0;
        std::string id;
        std::string example;
        char key[32];
        const auto devices = static_cast<uint64_t>(std::max(options.devices, 1));
        int64_t produced_here = 0;
        int64_t valid_seq = 0;
        uint64_t malformed_seq = 0;
        const auto started = Clock::now();
        Pacer pacer;

        while (!stop_requested.load(std::memory_order_relaxed)) {
            if (options.events > 0 && produced_here >= options.events)
                break;
            if (!pace(pacer))
                break;

            const double malformed_p = malformed_share.load(std::memory_order_relaxed);
            const double duplicate_p = duplicate_share.load(std::memory_order_relaxed);
            const double draw = rng.uniform();
            const int size = payload_bytes.load(std::memory_order_relaxed);
            const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count();

            if (draw < malformed_p) {
                const auto device = static_cast<int>(rng.below(devices));
                // A separate id space: a lenient reader must not mistake one for a real event.
                append_event_id(id, options.id_prefix, "bad-", malformed_seq);
                build_event_json(example, id, device, static_cast<int64_t>(malformed_seq), now_ms,
                                 size, rng.next());
                const std::string message = make_malformed_message(malformed_seq, example);
                if (!produce(message, key, format_device_id(key, device)))
                    break;
                ++malformed_seq;
                malformed.fetch_add(1, std::memory_order_relaxed);
                bytes.fetch_add(static_cast<int64_t>(message.size()), std::memory_order_relaxed);
            } else if (draw < malformed_p + duplicate_p && recent_count > 0) {
                const Recent& again = recent[rng.below(recent_count)];
                if (!produce(again.payload, key, format_device_id(key, again.device)))
                    break;
                duplicates.fetch_add(1, std::memory_order_relaxed);
                bytes.fetch_add(static_cast<int64_t>(again.payload.size()),
                                std::memory_order_relaxed);
            } else {
                Recent& slot = recent[recent_next];
                slot.device = static_cast<int>(rng.below(devices));
                append_event_id(id, options.id_prefix, "", static_cast<uint64_t>(valid_seq));
                build_event_json(slot.payload, id, slot.device, valid_seq, now_ms, size,
                                 rng.next());
                if (!produce(slot.payload, key, format_device_id(key, slot.device)))
                    break;
                recent_next = (recent_next + 1) % kRecentEvents;
                recent_count = std::min(recent_count + 1, kRecentEvents);
                ++valid_seq;
                valid_distinct.fetch_add(1, std::memory_order_relaxed);
                bytes.fetch_add(static_cast<int64_t>(slot.payload.size()),
                                std::memory_order_relaxed);
            }
            ++produced_here;
            if ((produced_here & 127) == 0)
                rd_kafka_poll(rk.get(), 0);
        }
        rd_kafka_poll(rk.get(), 0);
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        qCInfo(lcLoadgen, "generator %s: queued %lld messages to %s in %.2f s",
               options.id_prefix.c_str(), static_cast<long long>(produced_here),
               options.topic.c_str(), seconds);
    }
};

LoadGenerator::LoadGenerator(LoadGeneratorOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}

LoadGenerator::~LoadGenerator() {
    stop();
    wait();
}

void LoadGenerator::start() {
    State& s = *state_;
    if (s.rk)
        throw std::runtime_error("load generator: already started");
    if (s.options.bootstrap_servers.empty())
        throw std::runtime_error("load generator: no bootstrap servers");

    KafkaConf conf = make_kafka_conf();
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", s.options.bootstrap_servers},
        {"client.id", "spillway-loadgen-" + s.options.id_prefix},
        {"linger.ms", "5"},
        {"batch.num.messages", "10000"},
        {"queue.buffering.max.messages", "200000"},
        {"queue.buffering.max.kbytes", "262144"},
        {"compression.codec", "none"},
        {"acks", "all"},
        // A retried produce must not store a message twice: the generator's counts are the
        // ground truth the tests compare the tables against.
        {"enable.idempotence", "true"},
    };
    for (const auto& [name, value] : settings)
        set_kafka_property(conf.get(), "load generator", name, value);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &State::on_delivery);
    route_rdkafka_logs(conf.get(), &lcLoadgen);
    rd_kafka_conf_set_opaque(conf.get(), &s);

    KafkaHandle rk = make_kafka_handle(RD_KAFKA_PRODUCER, std::move(conf), "load generator");
    KafkaTopic rkt(rd_kafka_topic_new(rk.get(), s.options.topic.c_str(), nullptr));
    if (!rkt) {
        const rd_kafka_resp_err_t err = rd_kafka_last_error();
        throw std::runtime_error("load generator: topic '" + s.options.topic +
                                 "': " + rd_kafka_err2str(err));
    }
    s.rk = std::move(rk);
    s.rkt = std::move(rkt);
    s.stop_requested = false;
    s.finished = false;
    s.thread = std::thread([&s] {
        try {
            s.run();
        } catch (const std::exception& e) {
            qCCritical(lcLoadgen, "generator thread failed: %s", e.what());
        }
        s.finished = true;
    });
}

void LoadGenerator::stop() {
    state_->stop_requested = true;
}

void LoadGenerator::wait() {
    State& s = *state_;
    std::lock_guard lock(s.wait_mutex);
    if (s.thread.joinable())
        s.thread.join();
    if (!s.rk)
        return;

    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (s.outstanding() > 0 && Clock::now() < deadline)
        rd_kafka_flush(s.rk.get(), 1000);
    if (s.outstanding() <= 0)
        return;

    // Purged messages report __PURGE_* errors through the delivery callback, so they are
    // counted as failed there; whatever still does not report is counted here.
    rd_kafka_purge(s.rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(s.rk.get(), 1000);
    const int64_t stragglers = s.outstanding();
    if (stragglers > 0) {
        s.abandoned = true;
        s.delivery_failed.fetch_add(stragglers);
    }
    qCWarning(lcLoadgen,
              "generator %s: gave up waiting for delivery reports after 60 s; "
              "%lld messages counted as failed",
              s.options.id_prefix.c_str(), static_cast<long long>(s.delivery_failed.load()));
}

bool LoadGenerator::finished() const {
    return state_->finished.load();
}

void LoadGenerator::set_paused(bool paused) {
    state_->paused = paused;
}

bool LoadGenerator::paused() const {
    return state_->paused.load();
}

void LoadGenerator::set_rate(double rate_per_sec) {
    state_->rate = std::max(rate_per_sec, 0.0);
}

void LoadGenerator::set_shares(double duplicate_share, double malformed_share) {
    state_->duplicate_share = std::clamp(duplicate_share, 0.0, 1.0);
    state_->malformed_share = std::clamp(malformed_share, 0.0, 1.0);
}

void LoadGenerator::set_payload_bytes(int payload_bytes) {
    state_->payload_bytes = std::max(payload_bytes, 0);
}

LoadGeneratorStats LoadGenerator::stats() const {
    const State& s = *state_;
    LoadGeneratorStats out;
    out.valid_distinct = s.valid_distinct.load();
    out.duplicates = s.duplicates.load();
    out.malformed = s.malformed.load();
    out.produced = out.valid_distinct + out.duplicates + out.malformed;
    out.delivered = s.delivered.load();
    out.delivery_failed = s.delivery_failed.load();
    out.bytes = s.bytes.load();
    return out;
}

}  // namespace spillway
