#include "app/service/api_request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <iterator>

#include "core/dead_letters/dead_letter_json.h"
#include "core/pipeline/snapshot_json.h"

namespace spillway {

uint64_t api_body_limit(const QByteArray& method, const QByteArray& path) {
    if (method == "PUT" && path.startsWith("/api/v1/dead-letters/") && path.endsWith("/payload"))
        return kMaxPayloadEditBytes;
    if (method == "POST" && path.startsWith("/api/v1/dead-letters/"))
        return kMaxSelectionBodyBytes;
    return kMaxSmallBodyBytes;
}

QJsonObject body_object(const QByteArray& body) {
    QJsonParseError parse_error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parse_error);
    if (parse_error.error != QJsonParseError::NoError)
        throw BadRequest{"the body is not JSON: " + parse_error.errorString().toStdString() +
                         " at byte " + std::to_string(parse_error.offset)};
    if (!document.isObject())
        throw BadRequest{"the body must be a JSON object"};
    return document.object();
}

int64_t query_integer(const QUrlQuery& query, const char* name, int64_t fallback, int64_t min,
                      int64_t max) {
    if (!query.hasQueryItem(name))
        return fallback;
    const QString text = query.queryItemValue(name, QUrl::FullyDecoded);
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        throw BadRequest{std::string(name) + ": \"" + text.toStdString() +
                         "\" is not a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max)};
    return value;
}

namespace {

std::vector<std::string> query_list(const QUrlQuery& query, const char* name) {
    std::vector<std::string> values;
    for (const QString& item : query.allQueryItemValues(name, QUrl::FullyDecoded))
        for (const QString& value : item.split(',', Qt::SkipEmptyParts))
            values.push_back(value.trimmed().toStdString());
    return values;
}

}  // namespace

DeadLetterFilter filter_from_query(const QUrlQuery& query) {
    static const char* const kKnown[] = {"reason", "status",      "topic", "partition",
                                         "text",   "from_ms",     "to_ms", "after_id",
                                         "limit",  "oldest_first"};
    for (const auto& item : query.queryItems()) {
        const QString& name = item.first;
        if (std::none_of(std::begin(kKnown), std::end(kKnown),
                         [&](const char* known) { return name == QLatin1String(known); }))
            throw BadRequest{name.toStdString() + ": not a query parameter"};
    }
    DeadLetterFilter filter;
    filter.reasons = query_list(query, "reason");
    filter.statuses = query_list(query, "status");
    if (query.hasQueryItem("topic"))
        filter.topic = query.queryItemValue("topic", QUrl::FullyDecoded).toStdString();
    if (query.hasQueryItem("partition"))
        filter.partition = int(query_integer(query, "partition", 0, 0, 1'000'000));
    filter.text = query.queryItemValue("text", QUrl::FullyDecoded).toStdString();
    constexpr int64_t kMaxMs = int64_t(1) << 50;
    if (query.hasQueryItem("from_ms"))
        filter.from = from_epoch_ms(query_integer(query, "from_ms", 0, 0, kMaxMs));
    if (query.hasQueryItem("to_ms"))
        filter.to = from_epoch_ms(query_integer(query, "to_ms", 0, 0, kMaxMs));
    return filter;
}

// {"ids": [...]} or {"filter": {...}}: exactly one of them.
DeadLetterSelection selection_from_body(const QJsonObject& body) {
    const bool has_ids = body.contains("ids"), has_filter = body.contains("filter");
    if (has_ids == has_filter)
        throw BadRequest{"give either \"ids\" (an array of entry ids) or \"filter\" (an object)"};
    std::string error;
    if (has_filter) {
        if (!body.value("filter").isObject())
            throw BadRequest{"filter: expected an object"};
        auto filter = dead_letter_filter_from_json(body.value("filter").toObject(), &error);
        if (!filter)
            throw BadRequest{"filter." + error};
        return DeadLetterSelection(std::move(*filter));
    }
    std::vector<int64_t> ids;
    for (const auto& value : body.value("ids").toArray()) {
        if (!value.isDouble() || value.toDouble() != double(value.toInteger()) ||
            value.toInteger() <= 0)
            throw BadRequest{"ids: expected an array of entry ids (positive whole numbers)"};
        ids.push_back(value.toInteger());
    }
    if (!body.value("ids").isArray() || ids.empty())
        throw BadRequest{"ids: expected a non-empty array of entry ids"};
    return DeadLetterSelection(std::move(ids));
}

std::string actor_from(const QJsonObject& body) {
    const QString actor = body.value("actor").toString().trimmed();
    return actor.isEmpty() ? "api" : actor.left(100).toStdString();
}

}  // namespace spillway
