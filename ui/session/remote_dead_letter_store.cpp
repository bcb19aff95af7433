#include "ui/session/remote_dead_letter_store.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStringList>
#include <QTimer>
#include <QUrlQuery>
#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "core/dead_letters/dead_letter_json.h"
#include "core/pipeline/snapshot_json.h"
#include "ui/session/remote_engine_api.h"

namespace spillway {

namespace {

const QString kRoot = QStringLiteral("/api/v1/dead-letters");

// Set by the export route (control_api.cpp): how many entries the file holds.
constexpr const char* kEntryCountHeader = "X-Spillway-Entries";

// The list route's page size limit (control_api.cpp).
constexpr int kMaxPage = 1000;

QString join(const std::vector<std::string>& values) {
    QStringList list;
    for (const std::string& value : values)
        list << QString::fromStdString(value);
    return list.join(u',');
}

// The list and reasons routes take the filter as query parameters.
QUrlQuery filter_query(const DeadLetterFilter& filter) {
    QUrlQuery query;
    if (!filter.reasons.empty())
        query.addQueryItem(QStringLiteral("reason"), join(filter.reasons));
    if (!filter.statuses.empty())
        query.addQueryItem(QStringLiteral("status"), join(filter.statuses));
    if (filter.topic)
        query.addQueryItem(QStringLiteral("topic"), QString::fromStdString(*filter.topic));
    if (filter.partition)
        query.addQueryItem(QStringLiteral("partition"), QString::number(*filter.partition));
    if (!filter.text.empty())
        query.addQueryItem(QStringLiteral("text"), QString::fromStdString(filter.text));
    if (filter.from)
        query.addQueryItem(QStringLiteral("from_ms"), QString::number(to_epoch_ms(*filter.from)));
    if (filter.to)
        query.addQueryItem(QStringLiteral("to_ms"), QString::number(to_epoch_ms(*filter.to)));
    return query;
}

QJsonArray ids_to_json(const std::vector<int64_t>& ids) {
    QJsonArray array;
    for (const int64_t id : ids)
        array.append(qint64(id));
    return array;
}

// {"ids": [...]} or {"filter": {...}} with the request's other members.
QJsonObject selection_body(const DeadLetterSelection& selection, QJsonObject body) {
    if (selection.by_ids())
        body.insert(QStringLiteral("ids"), ids_to_json(selection.ids()));
    else
        body.insert(QStringLiteral("filter"), dead_letter_filter_to_json(*selection.filter()));
    return body;
}

QByteArray to_body(const QJsonObject& json) {
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

template <typename T>
T parsed(std::optional<T> value, const std::string& error, const char* what) {
    if (!value)
        throw std::runtime_error(std::string("the engine's answer is not ") + what + ": " + error);
    return std::move(*value);
}

void add_report(ReplayReport& total, const ReplayReport& chunk, size_t max_lines) {
    total.processed += chunk.processed;
    total.written += chunk.written;
    total.duplicates += chunk.duplicates;
    total.still_bad += chunk.still_bad;
    total.skipped_attempt_limit += chunk.skipped_attempt_limit;
    total.skipped_not_new += chunk.skipped_not_new;
    for (const std::string& line : chunk.outcomes) {
        if (total.outcomes.size() >= max_lines)
            break;
        total.outcomes.push_back(line);
    }
}

}  // namespace

RemoteDeadLetterStore::RemoteDeadLetterStore(QUrl base, QString token,
                                             const std::atomic<bool>* give_up,
                                             std::chrono::milliseconds timeout)
    : base_(std::move(base)), token_(std::move(token)), give_up_(give_up), timeout_(timeout) {}

RemoteDeadLetterStore::~RemoteDeadLetterStore() = default;

RemoteDeadLetterStore::Answer RemoteDeadLetterStore::call(
    const QByteArray& method, const QString& path, const QUrlQuery& query, const QByteArray& body,
    std::initializer_list<int> also_accepted, std::ostream* sink) {
    if (!network_)
        network_ = std::make_unique<QNetworkAccessManager>();
    QUrl url = api_url(base_, path);
    url.setQuery(query);
    QNetworkReply* reply =
        network_->sendCustomRequest(api_request(url, token_, timeout_), method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    bool sink_failed = false;
    const auto pass_to_sink = [reply, sink, &sink_failed] {
        if (!sink || sink_failed ||
            reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
            return;
        const QByteArray chunk = reply->readAll();
        if (!sink->write(chunk.constData(), std::streamsize(chunk.size()))) {
            sink_failed = true;
            reply->abort();
        }
    };
    if (sink)
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, pass_to_sink);
    QTimer give_up_check;
    if (give_up_) {
        QObject::connect(&give_up_check, &QTimer::timeout, reply, [this, reply] {
            if (give_up_->load())
                reply->abort();  // finishes the reply: the loop ends
        });
        give_up_check.start(100);
    }
    if (!reply->isFinished())
        loop.exec();
    pass_to_sink();  // what arrived with the end of the answer
    Answer answer;
    answer.url = url;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.entry_count = reply->rawHeader(kEntryCountHeader);
    const QString network_error = reply->errorString();
    const bool complete = reply->error() == QNetworkReply::NoError;
    delete reply;
    if (sink_failed)
        throw std::runtime_error("the output stream failed");
    if (sink && answer.status == 200 && !complete)
        throw std::runtime_error(
            QStringLiteral("%1 %2: the answer broke off: %3")
                .arg(QString::fromLatin1(method), url.toString(), network_error)
                .toStdString());
    const bool accepted =
        answer.status == 200 ||
        std::find(also_accepted.begin(), also_accepted.end(), answer.status) != also_accepted.end();
    if (!accepted)
        throw std::runtime_error(
            describe_api_failure(method, url, answer.status, network_error, answer.body)
                .toStdString());
    return answer;
}

QJsonValue RemoteDeadLetterStore::call_json(const QByteArray& method, const QString& path,
                                            const QUrlQuery& query, const QByteArray& body) {
    const Answer answer = call(method, path, query, body);
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(answer.body, &error);
    if (error.error != QJsonParseError::NoError)
        throw std::runtime_error(
            QStringLiteral("%1 %2: the answer is not JSON: %3")
                .arg(QString::fromLatin1(method), answer.url.toString(), error.errorString())
                .toStdString());
    return document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
}

void RemoteDeadLetterStore::ensure_schema() {
    call("GET", QStringLiteral("/api/v1/status"), {}, {});
}

int64_t RemoteDeadLetterStore::count(const DeadLetterFilter& filter) {
    QUrlQuery query = filter_query(filter);
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    return call_json("GET", kRoot, query).toObject().value(QStringLiteral("total")).toInteger();
}

std::vector<DeadLetterSummary> RemoteDeadLetterStore::page(const DeadLetterFilter& filter,
                                                           const DeadLetterPageRequest& request) {
    QUrlQuery query = filter_query(filter);
    if (request.after_id)
        query.addQueryItem(QStringLiteral("after_id"), QString::number(*request.after_id));
    query.addQueryItem(QStringLiteral("limit"),
                       QString::number(std::clamp(request.limit, 1, kMaxPage)));
    if (!request.newest_first)
        query.addQueryItem(QStringLiteral("oldest_first"), QStringLiteral("true"));
    const QJsonArray entries =
        call_json("GET", kRoot, query).toObject().value(QStringLiteral("entries")).toArray();
    std::vector<DeadLetterSummary> summaries;
    summaries.reserve(size_t(entries.size()));
    for (const QJsonValue entry : entries) {
        std::string error;
        summaries.push_back(parsed(dead_letter_summary_from_json(entry.toObject(), &error), error,
                                   "a dead-letter summary"));
    }
    return summaries;
}

std::vector<ReasonCount> RemoteDeadLetterStore::counts_by_reason(const DeadLetterFilter& filter) {
    std::string error;
    return parsed(
        reason_counts_from_json(
            call_json("GET", kRoot + QStringLiteral("/reasons"), filter_query(filter)).toArray(),
            &error),
        error, "a list of reason counts");
}

std::optional<DeadLetterEntry> RemoteDeadLetterStore::read(int64_t id) {
    const Answer answer = call("GET", kRoot + u'/' + QString::number(id), {}, {}, {404});
    if (answer.status == 404)
        return std::nullopt;
    std::string error;
    return parsed(
        dead_letter_entry_from_json(QJsonDocument::fromJson(answer.body).object(), &error), error,
        "a dead-letter entry");
}

EditResult RemoteDeadLetterStore::edit_payload(int64_t id, const std::string& new_payload,
                                               const std::string& actor) {
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("actor"), QString::fromStdString(actor));
    // A refused edit comes back as 400 with the EditResult saying why; an unknown id as 404.
    const Answer answer =
        call("PUT", kRoot + u'/' + QString::number(id) + QStringLiteral("/payload"), query,
             QByteArray::fromStdString(new_payload), {400, 404});
    if (answer.status == 404)
        return EditResult{false, false, "no dead-letter entry " + std::to_string(id)};
    std::string error;
    if (auto result = edit_result_from_json(QJsonDocument::fromJson(answer.body).object(), &error))
        return *result;
    // A 400 without an EditResult: the request itself was refused.
    throw std::runtime_error(
        describe_api_failure("PUT", answer.url, answer.status, {}, answer.body).toStdString());
}

std::vector<int64_t> RemoteDeadLetterStore::matching_ids(const DeadLetterFilter& filter) {
    std::vector<int64_t> ids;
    DeadLetterPageRequest request;
    request.limit = kMaxPage;
    request.newest_first = false;
    for (;;) {
        const std::vector<DeadLetterSummary> summaries = page(filter, request);
        for (const DeadLetterSummary& summary : summaries)
            ids.push_back(summary.id);
        if (int(summaries.size()) < request.limit)
            return ids;
        request.after_id = summaries.back().id;
    }
}

ReplayReport RemoteDeadLetterStore::replay(const DeadLetterSelection& selection,
                                           const ReplayOptions& options) {
    const std::vector<int64_t> ids =
        selection.by_ids() ? selection.ids() : matching_ids(*selection.filter());
    ReplayReport report;
    report.dry_run = options.dry_run;
    report.selected = int64_t(ids.size());
    const size_t chunk = size_t(std::clamp(options.chunk_size, 1, kMaxPage));
    size_t lines_before = 0;
    for (size_t start = 0; start < ids.size(); start += chunk) {
        const std::vector<int64_t> part(
            ids.begin() + std::ptrdiff_t(start),
            ids.begin() + std::ptrdiff_t(std::min(start + chunk, ids.size())));
        const QJsonObject body{{"ids", ids_to_json(part)},
                               {"dry_run", options.dry_run},
                               {"max_attempts", options.max_attempts},
                               {"actor", QString::fromStdString(options.actor)}};
        std::string error;
        const ReplayReport done = parsed(
            replay_report_from_json(
                call_json("POST", kRoot + QStringLiteral("/replay"), {}, to_body(body)).toObject(),
                &error),
            error, "a replay report");
        lines_before += done.outcomes.size();
        add_report(report, done, options.max_outcome_lines);
        if (options.progress && !options.progress(report.processed, report.selected) &&
            start + chunk < ids.size()) {
            report.cancelled = true;
            break;
        }
    }
    if (lines_before > report.outcomes.size())
        report.outcomes.push_back(
            "... and " + std::to_string(lines_before - report.outcomes.size()) + " more entries");
    return report;
}

DiscardResult RemoteDeadLetterStore::discard(const DeadLetterSelection& selection,
                                             const std::string& note, const std::string& actor) {
    const QJsonObject body = selection_body(selection, {{"note", QString::fromStdString(note)},
                                                        {"actor", QString::fromStdString(actor)}});
    std::string error;
    return parsed(
        discard_result_from_json(
            call_json("POST", kRoot + QStringLiteral("/discard"), {}, to_body(body)).toObject(),
            &error),
        error, "a discard result");
}

int64_t RemoteDeadLetterStore::export_entries(const DeadLetterSelection& selection,
                                              ExportFormat format, std::ostream& out,
                                              const std::string& actor) {
    const QJsonObject body =
        selection_body(selection, {{"format", format == ExportFormat::Csv ? "csv" : "jsonl"},
                                   {"actor", QString::fromStdString(actor)}});
    const Answer answer =
        call("POST", kRoot + QStringLiteral("/export"), {}, to_body(body), {}, &out);
    out.flush();
    if (!out)
        throw std::runtime_error("the output stream failed");
    // The file's size says nothing of the entries in it (a CSV field may hold line breaks).
    bool ok = false;
    const int64_t entries = answer.entry_count.toLongLong(&ok);
    if (!ok)
        throw std::runtime_error(
            QStringLiteral("POST %1: the answer has no %2 header")
                .arg(answer.url.toString(), QString::fromLatin1(kEntryCountHeader))
                .toStdString());
    return entries;
}

std::vector<DeadLetterAuditRow> RemoteDeadLetterStore::audit_log(int limit) {
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(std::clamp(limit, 1, 10000)));
    std::vector<DeadLetterAuditRow> rows;
    for (const QJsonValue row :
         call_json("GET", kRoot + QStringLiteral("/audit"), query).toArray()) {
        std::string error;
        rows.push_back(parsed(audit_row_from_json(row.toObject(), &error), error, "an audit row"));
    }
    return rows;
}

}  // namespace spillway
