#pragma once
// Reading and writing plain structs as JSON objects through tables of (name, member pointer):
// one table drives both directions, so they cannot drift apart. Reading names the member (with
// a prefix such as "partitions[2].") and says what was expected and what came.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

namespace spillway::json {

template <typename Struct, typename Member>
using Fields = std::initializer_list<std::pair<const char*, Member Struct::*>>;

inline const char* type_name(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return "null";
    case QJsonValue::Bool:
        return "a boolean";
    case QJsonValue::Double:
        return "a number";
    case QJsonValue::String:
        return "a string";
    case QJsonValue::Array:
        return "an array";
    case QJsonValue::Object:
        return "an object";
    default:
        return "nothing";
    }
}

// Reads members of one object; the first problem is kept in `error` and later reads are skipped.
class Reader {
public:
    Reader(const QJsonObject& json, std::string* error, std::string prefix = {})
        : json_(json), error_(error), prefix_(std::move(prefix)) {}

    bool ok() const { return ok_; }
    void fail(const std::string& name, const std::string& problem) {
        if (ok_ && error_)
            *error_ = prefix_ + name + ": " + problem;
        ok_ = false;
    }

    template <typename Integer>
    void integer(const char* name, Integer& out, int64_t min = std::numeric_limits<Integer>::min(),
                 int64_t max = int64_t(std::min<uint64_t>(std::numeric_limits<Integer>::max(),
                                                          std::numeric_limits<int64_t>::max()))) {
        const QJsonValue value = json_.value(QLatin1String(name));
        if (!ok_ || value.isUndefined())
            return;
        const double number = value.toDouble();
        if (!value.isDouble() || std::floor(number) != number) {
            fail(name, std::string("expected a whole number, got ") + describe(value));
            return;
        }
        const qint64 whole = value.toInteger();
        if (whole < min || whole > max) {
            fail(name, "expected a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got " + std::to_string(whole));
            return;
        }
        out = static_cast<Integer>(whole);
    }
    void number(const char* name, double& out) {
        const QJsonValue value = json_.value(QLatin1String(name));
        if (!ok_ || value.isUndefined())
            return;
        if (!value.isDouble()) {
            fail(name, std::string("expected a number, got ") + describe(value));
            return;
        }
        out = value.toDouble();
    }
    void flag(const char* name, bool& out) {
        const QJsonValue value = json_.value(QLatin1String(name));
        if (!ok_ || value.isUndefined())
            return;
        if (!value.isBool()) {
            fail(name, std::string("expected true or false, got ") + describe(value));
            return;
        }
        out = value.toBool();
    }
    void text(const char* name, std::string& out) {
        const QJsonValue value = json_.value(QLatin1String(name));
        if (!ok_ || value.isUndefined())
            return;
        if (!value.isString()) {
            fail(name, std::string("expected a string, got ") + describe(value));
            return;
        }
        out = value.toString().toStdString();
    }
    template <typename Container>
    bool container(const char* name, Container& out) {
        const QJsonValue value = json_.value(QLatin1String(name));
        if (!ok_ || value.isUndefined())
            return false;
        if constexpr (std::is_same_v<Container, QJsonArray>) {
            if (!value.isArray()) {
                fail(name, std::string("expected an array, got ") + describe(value));
                return false;
            }
            out = value.toArray();
        } else {
            if (!value.isObject()) {
                fail(name, std::string("expected an object, got ") + describe(value));
                return false;
            }
            out = value.toObject();
        }
        return true;
    }

    template <typename Struct, typename Member>
    void all(const Fields<Struct, Member>& fields, Struct& target) {
        for (const auto& [name, member] : fields) {
            if constexpr (std::is_same_v<Member, double>)
                number(name, target.*member);
            else if constexpr (std::is_same_v<Member, bool>)
                flag(name, target.*member);
            else if constexpr (std::is_same_v<Member, std::string>)
                text(name, target.*member);
            else
                integer(name, target.*member);
        }
    }

private:
    static std::string describe(const QJsonValue& value) {
        if (value.isString())
            return "the string \"" + value.toString().left(40).toStdString() + "\"";
        if (value.isDouble())
            return QString::number(value.toDouble(), 'g', 17).toStdString();
        return type_name(value);
    }

    const QJsonObject& json_;
    std::string* error_;
    std::string prefix_;
    bool ok_ = true;
};

template <typename Struct, typename Member>
inline void write_all(const Fields<Struct, Member>& fields, const Struct& source, QJsonObject& json) {
    for (const auto& [name, member] : fields) {
        if constexpr (std::is_same_v<Member, std::string>)
            json.insert(QLatin1String(name), QString::fromStdString(source.*member));
        else if constexpr (std::is_integral_v<Member> && !std::is_same_v<Member, bool>)
            json.insert(QLatin1String(name), qint64(source.*member));
        else
            json.insert(QLatin1String(name), source.*member);
    }
}

template <typename Struct, typename Member>
bool known(const Fields<Struct, Member>& fields, const QString& name) {
    for (const auto& field : fields)
        if (name == QLatin1String(field.first))
            return true;
    return false;
}


}  // namespace spillway::json
