#pragma once
// A keychain that works, in memory, and a password prompt that answers from a script: for the
// tests of connection profiles and their secrets. Header-only; needs spillway_ui.
#include <QStringList>
#include <map>

#include "ui/profiles/connection_profile_secrets.h"

namespace spillway::test {

class MemorySecretStore : public SecretStore {
public:
    std::map<QString, QString> secrets;
    void read(const QString& key, ReadDone done) override {
        const auto found = secrets.find(key);
        if (found == secrets.end())
            done(std::nullopt, QStringLiteral("not found"));
        else
            done(found->second, QString());
    }
    void write(const QString& key, const QString& secret, WriteDone done) override {
        secrets[key] = secret;
        done(true, QString());
    }
    void remove(const QString& key) override { secrets.erase(key); }
};

// Records what it was asked and answers from a script.
struct ScriptedPrompt {
    QStringList asked;
    QStringList answers;
    PasswordPrompt prompt() {
        return [this](const QString& what) -> std::optional<QString> {
            asked << what;
            if (answers.isEmpty())
                return std::nullopt;
            return answers.takeFirst();
        };
    }
};

}  // namespace spillway::test
