#include "app/service/control_api.h"

#include <pthread.h>
#include <unistd.h>
#include <QCryptographicHash>
#include <QHostInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrlQuery>

#include <algorithm>
#include <cstdint>

#include "core/common/secrets.h"
#include "core/dead_letters/dead_letter_json.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/snapshot_json.h"
#include "core/postgres/pg_connection.h"
#include "app/service/answer_file.h"
#include "app/service/api_request.h"
#include "app/service/prometheus_text.h"

Q_LOGGING_CATEGORY(lcApi, "spillway.api", QtWarningMsg)

namespace spillway {

namespace {

HttpResponse json_response(int status, const QJsonDocument& document) {
    HttpResponse response;
    response.status = status;
    response.body = document.toJson(QJsonDocument::Compact);
    return response;
}
HttpResponse json_response(const QJsonObject& json, int status = 200) {
    return json_response(status, QJsonDocument(json));
}
HttpResponse json_response(const QJsonArray& json) {
    return json_response(200, QJsonDocument(json));
}
HttpResponse error_response(int status, const std::string& message) {
    return json_response(QJsonObject{{"error", QString::fromStdString(redact(message))}}, status);
}

}  // namespace

bool constant_time_equal(const QByteArray& a, const QByteArray& b) {
    const QByteArray da = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray db = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < da.size(); ++i)
        difference |= static_cast<unsigned char>(da[i] ^ db[i]);
    return difference == 0;
}

ControlApi::ControlApi(Engine& engine, ControlApiOptions options)
    : engine_(engine), options_(std::move(options)) {
    store_thread_ = std::thread([this] { run_store_worker(); });
}

ControlApi::~ControlApi() {
    {
        std::lock_guard lock(tasks_mutex_);
        stopping_ = true;
    }
    tasks_wake_.notify_all();
    store_thread_.join();
}

// The worker: the operations in the order they came, each to the end; on stop, what is queued
// still runs (its answer goes nowhere once the server is gone), then the store and its
// connections are released here, on the thread that made them.
void ControlApi::run_store_worker() {
    pthread_setname_np(pthread_self(), "spillway-api-dlq");
    std::unique_ptr<DeadLetterStore> store;
    std::unique_lock lock(tasks_mutex_);
    for (;;) {
        tasks_wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty())
            break;
        WorkerTask task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        task(store);
        lock.lock();
    }
    lock.unlock();
    store.reset();
}

bool ControlApi::authorized(const HttpRequest& request) const {
    const QByteArray header = request.header("authorization");
    if (options_.token.empty() || !header.startsWith("Bearer "))
        return false;
    return constant_time_equal(header.mid(7).trimmed(), QByteArray::fromStdString(options_.token));
}

HttpResponse ControlApi::unauthorized() const {
    HttpResponse response = error_response(
        401, options_.token.empty() ? "the control API is off: start with --api-token-file"
                                    : "missing or wrong bearer token");
    response.headers["WWW-Authenticate"] = "Bearer realm=\"spillway\"";
    return response;
}

HttpAdmission ControlApi::admit(const HttpRequest& head) const {
    HttpAdmission admission;
    admission.max_body_bytes = api_body_limit(head.method, head.path);
    if (head.path.startsWith("/api/") && !authorized(head)) {
        // Refused on the head: the body of an unauthenticated request is never read.
        qCWarning(lcApi) << "refused" << head.method << head.path << "(no valid token)";
        admission.refusal = unauthorized();
    }
    return admission;
}

void ControlApi::handle(const HttpRequest& request, const HttpResponder& respond) {
    // Logged without headers: the Authorization header holds the token.
    qCInfo(lcApi) << request.method << request.path;
    if (request.path == "/metrics") {
        if (request.method != "GET" && request.method != "HEAD")
            return respond(error_response(405, "use GET"));
        return respond(metrics());
    }
    if (!request.path.startsWith("/api/"))
        return respond(error_response(404, "no such route: see /api/v1/status and /metrics"));
    if (!authorized(request))
        return respond(unauthorized());
    try {
        handle_api(request, respond);
    } catch (const BadRequest& bad) {
        respond(error_response(400, bad.message));
    } catch (const std::exception& error) {
        respond(error_response(500, error.what()));
    }
}

HttpResponse ControlApi::metrics() const {
    MetricsReading reading;
    reading.snapshot = *engine_.snapshot();
    const Metrics& m = engine_.metrics();
    reading.batch_write = {m.batch_write_latency.counts(), m.batch_write_latency.sum_us()};
    reading.end_to_end = {m.end_to_end_latency.counts(), m.end_to_end_latency.sum_us()};
    reading.kafka_to_commit = {m.kafka_to_commit_latency.counts(),
                               m.kafka_to_commit_latency.sum_us()};
    reading.topic = engine_.options().source.topic;
    reading.group = engine_.options().source.group_id;
    reading.version = options_.version;
    if (options_.tier_snapshot)
        reading.tiers = options_.tier_snapshot();
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = QByteArray::fromStdString(prometheus_text(reading));
    return response;
}

HttpResponse ControlApi::status() const {
    const auto snapshot = engine_.snapshot();
    QJsonArray assigned;
    for (const auto& lag : snapshot->partitions)
        assigned.append(lag.partition);
    QJsonObject tiering{{"enabled", false}};
    if (const auto tiers = options_.tier_snapshot ? options_.tier_snapshot() : nullptr) {
        int cold_partitions = 0;
        for (const TierPartition& partition : tiers->partitions)
            cold_partitions += partition.tier == Tier::Cold ? 1 : 0;
        tiering = QJsonObject{
            {"enabled", true},
            {"available", tiers->available},
            {"activity", QString::fromStdString(tiers->activity)},
            {"last_outcome", QString::fromStdString(tiers->last_outcome)},
            {"last_error", QString::fromStdString(redact(tiers->last_error))},
            {"runs", qint64(tiers->runs)},
            {"archive_after_days", tiers->policy.archive_after_days},
            {"hot_bytes", qint64(tiers->hot_bytes)},
            {"cold_bytes", qint64(tiers->cold_bytes)},
            {"cold_partitions", cold_partitions},
        };
    }
    return json_response(QJsonObject{
        {"tiering", tiering},
        {"api", "v1"},
        {"version", QString::fromStdString(options_.version)},
        {"state", QString::fromStdString(snapshot->state)},
        {"running", engine_.running()},
        {"host", QHostInfo::localHostName()},
        {"pid", qint64(::getpid())},
        {"topic", QString::fromStdString(engine_.options().source.topic)},
        {"group", QString::fromStdString(engine_.options().source.group_id)},
        {"events_table", QString::fromStdString(engine_.options().sink.events_table)},
        {"dead_letter_table", QString::fromStdString(engine_.options().sink.dead_letter_table)},
        {"assigned_partitions", assigned},
        {"uptime_s", snapshot->uptime_s},
        {"knob_version", qint64(snapshot->knob_version)},
    });
}

HttpResponse ControlApi::put_knobs(const HttpRequest& request) {
    std::string error;
    const auto knobs = knobs_from_json(body_object(request.body), engine_.knobs(), &error);
    if (!knobs)
        throw BadRequest{error};
    if (auto reason = engine_.apply_knobs(*knobs, "api"); !reason.empty())
        throw BadRequest{reason};
    qCInfo(lcApi) << "knobs changed over the API";
    return json_response(knobs_to_json(engine_.knobs()));
}

void ControlApi::handle_api(const HttpRequest& request, const HttpResponder& respond) {
    const QList<QByteArray> segments = request.path.mid(1).split('/');  // api, v1, ...
    if (segments.size() < 3 || segments[1] != "v1")
        return respond(error_response(404, "no such route (the API is /api/v1/...)"));
    const QByteArray& resource = segments[2];
    const QByteArray& method = request.method;
    if (resource == "dead-letters")
        return handle_dead_letters(request, segments, respond);
    if (segments.size() == 3 && resource == "status" && method == "GET")
        return respond(status());
    if (segments.size() == 3 && resource == "snapshot" && method == "GET")
        return respond(json_response(snapshot_to_json(*engine_.snapshot())));
    if (segments.size() == 3 && resource == "partitions" && method == "GET")
        return respond(json_response(partitions_to_json(*engine_.snapshot())));
    if (segments.size() == 3 && resource == "knobs" && method == "GET")
        return respond(json_response(knobs_to_json(engine_.knobs())));
    if (segments.size() == 3 && resource == "knobs" && method == "PUT")
        return respond(put_knobs(request));
    if (segments.size() == 4 && resource == "knobs" && segments[3] == "history" && method == "GET")
        return respond(json_response(knob_history_to_json(engine_.knob_history())));
    if (segments.size() == 3 && resource == "drain" && method == "POST") {
        if (!engine_.running())
            return respond(error_response(503, "the engine is not running"));
        qCWarning(lcApi) << "drain requested over the API";
        if (options_.request_drain)
            options_.request_drain();
        return respond(json_response(QJsonObject{{"state", "draining"}}, 202));
    }
    const bool known = resource == "status" || resource == "snapshot" || resource == "knobs" ||
                       resource == "drain" || resource == "partitions";
    respond(error_response(known ? 405 : 404, known ? "method not allowed on this route"
                                                    : "no such route"));
}

void ControlApi::handle_dead_letters(const HttpRequest& request, const QList<QByteArray>& segments,
                                     const HttpResponder& respond) {
    const QByteArray& method = request.method;
    const QByteArray part = segments.value(3);
    const qsizetype depth = segments.size();
    if (depth == 3 && method == "GET") {
        const DeadLetterFilter filter = filter_from_query(request.query);
        DeadLetterPageRequest page;
        if (request.query.hasQueryItem("after_id"))
            page.after_id = query_integer(request.query, "after_id", 0, 0, INT64_MAX);
        page.limit = int(query_integer(request.query, "limit", 100, 1, 1000));
        const QString oldest = request.query.queryItemValue("oldest_first");
        page.newest_first = !(oldest == "true" || oldest == "1");
        return run_on_store(
            [filter, page](DeadLetterStore& store) {
                const auto entries = store.page(filter, page);
                QJsonArray items;
                for (const auto& entry : entries)
                    items.append(dead_letter_summary_to_json(entry));
                const bool full = int(entries.size()) == page.limit;
                return json_response(
                    QJsonObject{{"entries", items},
                                {"next_after_id", full ? QJsonValue(qint64(entries.back().id))
                                                       : QJsonValue(QJsonValue::Null)},
                                {"total", qint64(store.count(filter))}});
            },
            respond);
    }
    if (depth == 4 && part == "reasons" && method == "GET") {
        const DeadLetterFilter filter = filter_from_query(request.query);
        return run_on_store(
            [filter](DeadLetterStore& store) {
                return json_response(reason_counts_to_json(store.counts_by_reason(filter)));
            },
            respond);
    }
    if (depth == 4 && part == "audit" && method == "GET") {
        const int limit = int(query_integer(request.query, "limit", 100, 1, 10000));
        return run_on_store(
            [limit](DeadLetterStore& store) {
                QJsonArray rows;
                for (const auto& row : store.audit_log(limit))
                    rows.append(audit_row_to_json(row));
                return json_response(rows);
            },
            respond);
    }
    if (depth == 4 && part == "replay" && method == "POST") {
        const QJsonObject body = body_object(request.body);
        const DeadLetterSelection selection = selection_from_body(body);
        ReplayOptions replay;
        replay.actor = actor_from(body);
        replay.dry_run = body.value("dry_run").toBool(false);
        replay.max_attempts = body.value("max_attempts").toInt(replay.max_attempts);
        if (replay.max_attempts < 1)
            throw BadRequest{"max_attempts: expected a whole number of at least 1"};
        return run_on_store(
            [selection, replay](DeadLetterStore& store) {
                return json_response(replay_report_to_json(store.replay(selection, replay)));
            },
            respond);
    }
    if (depth == 4 && part == "discard" && method == "POST") {
        const QJsonObject body = body_object(request.body);
        const DeadLetterSelection selection = selection_from_body(body);
        const std::string note = body.value("note").toString().trimmed().toStdString();
        if (note.empty())
            throw BadRequest{"note: say why these entries are discarded"};
        const std::string actor = actor_from(body);
        return run_on_store(
            [selection, note, actor](DeadLetterStore& store) {
                return json_response(discard_result_to_json(store.discard(selection, note, actor)));
            },
            respond);
    }
    if (depth == 4 && part == "export" && method == "POST") {
        // The whole file in one answer (a remote console writes it locally), audited here.
        const QJsonObject body = body_object(request.body);
        const DeadLetterSelection selection = selection_from_body(body);
        const QString format_text = body.value("format").toString("jsonl");
        if (format_text != "jsonl" && format_text != "csv")
            throw BadRequest{"format: expected \"jsonl\" or \"csv\""};
        const ExportFormat format =
            format_text == "csv" ? ExportFormat::Csv : ExportFormat::JsonLines;
        const std::string actor = actor_from(body);
        return run_on_store(
            [selection, format, actor](DeadLetterStore& store) {
                // Spooled to an unnamed file and sent from it: the engine's memory stays bounded
                // however large the export, and the status and entry count are known before
                // the first byte is sent (a failure midway is a 500, not a truncated file).
                AnswerFile file;
                const int64_t entries =
                    store.export_entries(selection, format, file.stream(), actor);
                HttpResponse response;
                response.content_type = format == ExportFormat::Csv
                                            ? "text/csv; charset=utf-8"
                                            : "application/x-ndjson; charset=utf-8";
                response.headers["X-Spillway-Entries"] = QByteArray::number(qint64(entries));
                file.hand_over(response);
                return response;
            },
            respond);
    }
    bool id_ok = false;
    const qint64 id = part.toLongLong(&id_ok);
    if (id_ok && id > 0 && depth == 4 && method == "GET") {
        return run_on_store(
            [id](DeadLetterStore& store) {
                const auto entry = store.read(id);
                if (!entry)
                    return error_response(404, "no dead-letter entry " + std::to_string(id));
                return json_response(dead_letter_entry_to_json(*entry));
            },
            respond);
    }
    if (id_ok && id > 0 && depth == 5 && segments[4] == "payload" && method == "PUT") {
        const std::string payload = request.body.toStdString();
        const QString actor_text = request.query.queryItemValue("actor", QUrl::FullyDecoded);
        const std::string actor = actor_text.isEmpty() ? "api" : actor_text.left(100).toStdString();
        return run_on_store(
            [id, payload, actor](DeadLetterStore& store) {
                if (!store.read(id))
                    return error_response(404, "no dead-letter entry " + std::to_string(id));
                const EditResult result = store.edit_payload(id, payload, actor);
                return json_response(edit_result_to_json(result), result.ok ? 200 : 400);
            },
            respond);
    }
    respond(error_response(404, "no such dead-letter route or method"));
}

void ControlApi::run_on_store(StoreJob job, const HttpResponder& respond) {
    WorkerTask task = [this, job = std::move(job),
                       respond](std::unique_ptr<DeadLetterStore>& store) {
        try {
            if (!store)
                store = std::make_unique<DeadLetterStore>(options_.sink, options_.decoder);
            respond(job(*store));
        } catch (const std::invalid_argument& error) {
            respond(error_response(400, error.what()));
        } catch (const PgError& error) {
            // A lost connection is rebuilt on the next request.
            if (error.connection_lost())
                store.reset();
            respond(error_response(error.connection_lost() ? 503 : 500, error.what()));
        } catch (const std::exception& error) {
            respond(error_response(500, error.what()));
        }
    };
    {
        std::lock_guard lock(tasks_mutex_);
        tasks_.push_back(std::move(task));
    }
    tasks_wake_.notify_one();
}

}  // namespace spillway
