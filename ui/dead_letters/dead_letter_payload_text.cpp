#include "ui/dead_letters/dead_letter_payload_text.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>

namespace spillway {

bool payload_is_text(std::string_view bytes) {
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f)
            return false;
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
    return !decoder.hasError();
}

std::string indent_json(std::string_view json, int indent_width) {
    std::string out;
    out.reserve(json.size() + json.size() / 2);
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    auto newline = [&] {
        out += '\n';
        out.append(size_t(std::max(depth, 0)) * size_t(indent_width), ' ');
    };
    auto next_significant = [&](size_t from) -> char {
        for (size_t i = from; i < json.size(); ++i)
            if (json[i] != ' ' && json[i] != '\n' && json[i] != '\r' && json[i] != '\t')
                return json[i];
        return '\0';
    };
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
            case ' ':
            case '\n':
            case '\r':
            case '\t':
                break;
            case '"':
                in_string = true;
                out += c;
                break;
            case '{':
            case '[': {
                out += c;
                const char close = c == '{' ? '}' : ']';
                if (next_significant(i + 1) == close) {
                    out += close;  // {} and [] stay on one line
                    while (json[++i] != close) {
                    }
                } else {
                    ++depth;
                    newline();
                }
                break;
            }
            case '}':
            case ']':
                --depth;
                newline();
                out += c;
                break;
            case ',':
                out += c;
                newline();
                break;
            case ':':
                out += ": ";
                break;
            default:
                out += c;
        }
    }
    if (depth != 0 || in_string)
        return std::string(json);
    return out;
}

QString hex_dump(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    QString out;
    out.reserve(qsizetype(bytes.size() / 16 + 1) * 78);
    for (size_t line = 0; line < bytes.size(); line += 16) {
        out += QStringLiteral("%1  ").arg(qulonglong(line), 8, 16, QLatin1Char('0'));
        QString ascii;
        for (size_t i = line; i < line + 16; ++i) {
            if (i < bytes.size()) {
                const auto byte = static_cast<unsigned char>(bytes[i]);
                out += QLatin1Char(digits[byte >> 4]);
                out += QLatin1Char(digits[byte & 0xf]);
                out += QLatin1Char(' ');
                ascii += byte >= 0x20 && byte < 0x7f ? QLatin1Char(char(byte)) : QLatin1Char('.');
            } else {
                out += QStringLiteral("   ");
            }
            if (i == line + 7)
                out += QLatin1Char(' ');
        }
        out += QStringLiteral(" |") + ascii + QStringLiteral("|\n");
    }
    if (out.endsWith(QLatin1Char('\n')))
        out.chop(1);
    return out;
}

PayloadText payload_text(std::string_view bytes) {
    if (!payload_is_text(bytes))
        return {hex_dump(bytes), PayloadText::Kind::Hex};
    const QByteArray raw(bytes.data(), qsizetype(bytes.size()));
    QJsonParseError error{};
    QJsonDocument::fromJson(raw, &error);
    if (error.error == QJsonParseError::NoError)
        return {QString::fromStdString(indent_json(bytes)), PayloadText::Kind::Json};
    return {QString::fromUtf8(raw), PayloadText::Kind::Text};
}

QString printable_bytes(std::string_view bytes) {
    if (payload_is_text(bytes))
        return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
    return QStringLiteral("0x") +
           QString::fromLatin1(QByteArray(bytes.data(), qsizetype(bytes.size())).toHex());
}

}  // namespace spillway
