#include "core/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace spillway {

PgError::PgError(const std::string& what, std::string sqlstate, std::string detail,
                 bool connection_lost, std::string constraint)
    : std::runtime_error(what),
      sqlstate_(std::move(sqlstate)),
      detail_(std::move(detail)),
      connection_lost_(connection_lost),
      constraint_(std::move(constraint)) {}

PgErrorClass classify_sqlstate(std::string_view s) {
    if (s.size() != 5)
        return PgErrorClass::Transient;  // no SQLSTATE: the connection broke mid-way
    const std::string_view klass = s.substr(0, 2);
    if (klass == "08" ||  // connection exception
        klass == "40" ||  // transaction rollback: serialization failure, deadlock
        klass == "53" ||  // insufficient resources: disk full, out of memory, too many connections
        klass ==
            "57" ||     // operator intervention: admin shutdown, crash shutdown, cannot connect now
        klass == "58")  // system error (I/O)
        return PgErrorClass::Transient;
    if (klass == "22" ||  // data exception: bad value, bad encoding, out of range
        klass == "23")    // integrity constraint violation
        return PgErrorClass::Data;
    if (s == "55P03")  // lock not available
        return PgErrorClass::Transient;
    return PgErrorClass::Fatal;
}

PgErrorClass PgError::classify() const {
    if (connection_lost_)
        return PgErrorClass::Transient;
    // A row fails a partition's own bounds (SQLSTATE 23514 naming no constraint; a CHECK or
    // domain constraint always names itself) only when the table's partitions changed under the
    // statement: a COPY into the parent routed the row to the default partition, then an ATTACH
    // PARTITION for the row's day (the partition maintainer, a restore, another instance)
    // committed before the row reached it. The row is valid; the same statement retried routes
    // it to the new partition. Treating it as data would dead-letter a valid event.
    if (sqlstate_ == "23514" && constraint_.empty())
        return PgErrorClass::Transient;
    return classify_sqlstate(sqlstate_);
}

namespace {
struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// libpq says only "certificate verify failed": name the CA file it checked against, which is
// what the operator has to look at.
std::string certificate_hint(PGconn* conn) {
    std::string rootcert;
    if (PQconninfoOption* options = PQconninfo(conn)) {
        for (const PQconninfoOption* option = options; option->keyword; ++option)
            if (std::string_view(option->keyword) == "sslrootcert" && option->val)
                rootcert = option->val;
        PQconninfoFree(options);
    }
    return " (the server's certificate is not signed by a CA in sslrootcert " +
           (rootcert.empty() ? std::string("(default ~/.postgresql/root.crt)") : rootcert) +
           ", or it is not valid at this time)";
}

}  // namespace

PgConnection::PgConnection(const std::string& conninfo) {
    // The default goes first and the caller's string, expanded in place of dbname, after it, so
    // a connect_timeout the operator set wins; so does PGCONNECT_TIMEOUT, read only when no
    // value is given. getenv races only with setenv, which nothing in Spillway calls.
    const std::string default_timeout = std::to_string(kDefaultConnectTimeoutSeconds);
    const bool from_environment =
        std::getenv("PGCONNECT_TIMEOUT") != nullptr;  // NOLINT(concurrency-mt-unsafe)
    const char* keywords[] = {"connect_timeout", "dbname", nullptr};
    const char* values[] = {default_timeout.c_str(), conninfo.c_str(), nullptr};
    conn_ = from_environment ? PQconnectdb(conninfo.c_str())
                             : PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string message = "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_));
        if (message.find("certificate verify failed") != std::string::npos)
            message += certificate_hint(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        throw PgError(message, "08001", {}, true);
    }
    // Notices (e.g. "relation already exists, skipping") are for humans at a psql prompt.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
    if (conn_)
        PQfinish(conn_);
}

void PgConnection::limit_statement_time(std::chrono::milliseconds timeout) {
    const std::vector<std::string> current = query_column("SHOW statement_timeout");
    if (timeout.count() <= 0 || current.empty() || current.front() != "0")
        return;
    exec("SET statement_timeout = " + std::to_string(timeout.count()));
}

bool PgConnection::ok() const {
    return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

void PgConnection::throw_from(PGresult* result, const std::string& context) {
    std::string sqlstate, message, detail, constraint;
    if (result) {
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        sqlstate = state ? state : "";
        const char* constraint_name = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
        constraint = constraint_name ? constraint_name : "";
        message = trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
        detail = trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL));
        const std::string where = trimmed(PQresultErrorField(result, PG_DIAG_CONTEXT));
        if (!where.empty())
            detail += (detail.empty() ? "" : "; ") + where;
    }
    if (message.empty())
        message = trimmed(PQerrorMessage(conn_));
    const bool lost = PQstatus(conn_) != CONNECTION_OK;
    std::string what =
        context + ": " + (sqlstate.empty() ? "" : "SQLSTATE " + sqlstate + ": ") + message;
    throw PgError(what, sqlstate, detail, lost, constraint);
}

long PgConnection::exec(const std::string& sql) {
    ResultPtr result(PQexec(conn_, sql.c_str()));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw_from(result.get(), "statement failed");
    const char* tuples = PQcmdTuples(result.get());
    return tuples && *tuples ? std::stol(tuples) : 0;
}

std::vector<std::string> PgConnection::query_column(const std::string& sql) {
    ResultPtr result(PQexec(conn_, sql.c_str()));
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        throw_from(result.get(), "query failed");
    std::vector<std::string> values;
    const int rows = PQntuples(result.get());
    values.reserve(static_cast<size_t>(rows));
    for (int row = 0; row < rows; ++row)
        values.emplace_back(PQgetvalue(result.get(), row, 0));
    return values;
}

void PgConnection::copy_in(const std::string& copy_sql, std::string_view data) {
    // Large chunks: libpq copies into its output buffer and flushes as it fills.
    copy_in_stream(copy_sql, [data](const CopySend& send) {
        constexpr size_t chunk = 1u << 20;
        for (size_t pos = 0; pos < data.size(); pos += chunk)
            send(data.substr(pos, std::min(chunk, data.size() - pos)));
    });
}

void PgConnection::copy_in_stream(const std::string& copy_sql,
                                  const std::function<void(const CopySend& send)>& produce) {
    ResultPtr start(PQexec(conn_, copy_sql.c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN)
        throw_from(start.get(), "COPY could not start");
    bool sent = true;
    std::string failure;
    try {
        produce([this, &sent](std::string_view piece) {
            if (sent && !piece.empty())
                sent = PQputCopyData(conn_, piece.data(), static_cast<int>(piece.size())) == 1;
        });
    } catch (const std::exception& error) {
        // The server must hear that COPY failed, or the connection stays in COPY state.
        failure = error.what();
    }
    const char* abort_reason =
        !failure.empty() ? failure.c_str() : (sent ? nullptr : "client could not send COPY data");
    if (PQputCopyEnd(conn_, abort_reason) != 1) {
        throw PgError("COPY could not finish: " + trimmed(PQerrorMessage(conn_)), {}, {}, true);
    }
    finish_copy(failure, "COPY failed");
}

void PgConnection::finish_copy(const std::string& failure, const std::string& context) {
    ResultPtr end(PQgetResult(conn_));
    // Drain any further results so the connection is ready for the next command.
    std::unique_ptr<PGresult, ResultDeleter> extra;
    while ((extra = ResultPtr(PQgetResult(conn_)))) {
    }
    // The caller's own failure first: the server's answer to an aborted COPY only echoes it.
    if (!failure.empty())
        throw std::runtime_error(failure);
    if (!end || PQresultStatus(end.get()) != PGRES_COMMAND_OK)
        throw_from(end.get(), context);
}

int64_t PgConnection::copy_out(const std::string& copy_sql,
                               const std::function<void(std::string_view)>& on_row) {
    ResultPtr start(PQexec(conn_, copy_sql.c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_OUT)
        throw_from(start.get(), "COPY TO could not start");
    int64_t rows = 0;
    std::string failure;
    for (;;) {
        char* buffer = nullptr;
        const int length = PQgetCopyData(conn_, &buffer, 0);
        if (length < 0)
            break;  // -1: done; -2: error, reported by the result below
        std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
        ++rows;
        // Keep reading after a failure: the connection is usable only once COPY has ended.
        if (failure.empty()) {
            try {
                on_row(std::string_view(buffer, static_cast<size_t>(length)));
            } catch (const std::exception& error) {
                failure = error.what();
            }
        }
    }
    finish_copy(failure, "COPY TO failed");
    return rows;
}

namespace {
// PQexecParams in text format; the values' storage must outlive the call.
PGresult* exec_with_params(pg_conn* conn, const std::string& sql,
                           const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) {
        if (param && param->find('\0') != std::string::npos)
            throw std::invalid_argument(
                "a text parameter cannot hold a NUL byte; send bytes as hex");
        values.push_back(param ? param->c_str() : nullptr);
    }
    return PQexecParams(conn, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                        nullptr, nullptr, 0);
}
}  // namespace

std::vector<std::vector<std::optional<std::string>>> PgConnection::query(
    const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    ResultPtr result(exec_with_params(conn_, sql, params));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw_from(result.get(), "query failed");
    const int rows = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    std::vector<std::vector<std::optional<std::string>>> table;
    table.reserve(static_cast<size_t>(rows));
    for (int row = 0; row < rows; ++row) {
        auto& values = table.emplace_back();
        values.reserve(static_cast<size_t>(columns));
        for (int column = 0; column < columns; ++column) {
            if (PQgetisnull(result.get(), row, column))
                values.emplace_back(std::nullopt);
            else
                values.emplace_back(std::in_place, PQgetvalue(result.get(), row, column),
                                    static_cast<size_t>(PQgetlength(result.get(), row, column)));
        }
    }
    return table;
}

long PgConnection::exec_params(const std::string& sql,
                               const std::vector<std::optional<std::string>>& params) {
    ResultPtr result(exec_with_params(conn_, sql, params));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw_from(result.get(), "statement failed");
    const char* tuples = PQcmdTuples(result.get());
    return tuples && *tuples ? std::stol(tuples) : 0;
}

void PgConnection::prepare(const std::string& name, const std::string& sql) {
    ResultPtr result(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK)
        throw_from(result.get(), "preparing statement " + name + " failed");
}

int64_t PgConnection::query_prepared_column(const std::string& name,
                                            const std::vector<std::string_view>& params,
                                            const std::function<void(std::string_view)>& on_value) {
    // libpq reads text parameters up to their NUL: each view is copied once into a
    // NUL-terminated buffer, and a NUL inside one would silently cut it short.
    std::vector<std::string> owned;
    owned.reserve(params.size());
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string_view param : params) {
        if (param.find('\0') != std::string_view::npos)
            throw std::invalid_argument(
                "a text parameter cannot hold a NUL byte; send bytes as hex");
        values.push_back(owned.emplace_back(param).c_str());
    }
    ResultPtr result(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                    values.data(), nullptr, nullptr, 0));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw_from(result.get(), "statement " + name + " failed");
    const int rows = PQntuples(result.get());
    if (PQnfields(result.get()) < 1)
        return rows;
    for (int row = 0; row < rows; ++row)
        on_value(std::string_view(PQgetvalue(result.get(), row, 0),
                                  static_cast<size_t>(PQgetlength(result.get(), row, 0))));
    return rows;
}

bool valid_table_name(std::string_view name) {
    auto valid_part = [](std::string_view part) {
        if (part.empty() || part.size() > 63)
            return false;
        if (part[0] >= '0' && part[0] <= '9')
            return false;
        return std::all_of(part.begin(), part.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_';
        });
    };
    const auto dot = name.find('.');
    if (dot == std::string_view::npos)
        return valid_part(name);
    return valid_part(name.substr(0, dot)) && valid_part(name.substr(dot + 1));
}

std::string quote_identifier(std::string_view name) {
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string quote_table_name(std::string_view name) {
    // Quoting alone would make any name safe; refusing what valid_table_name refuses as well means
    // a name that slipped past the option checks fails loudly instead of creating an odd table.
    if (!valid_table_name(name))
        throw std::invalid_argument("invalid table name \"" + std::string(name) +
                                    "\": use letters, digits and _ (optionally schema.table)");
    const auto dot = name.find('.');
    if (dot == std::string_view::npos)
        return quote_identifier(name);
    return quote_identifier(name.substr(0, dot)) + "." + quote_identifier(name.substr(dot + 1));
}

void run_in_transaction(PgConnection& connection, const std::string& begin,
                        const std::function<void()>& body) {
    connection.exec(begin);
    try {
        body();
        connection.exec("COMMIT");
    } catch (...) {
        try {
            connection.exec("ROLLBACK");
        } catch (const std::exception&) {
        }
        throw;
    }
}

}  // namespace spillway
