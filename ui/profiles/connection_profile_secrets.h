#pragma once
// Where a profile's passwords go: the system keychain through qtkeychain (when Spillway is built
// with it and a secret service answers at run time), or nowhere, in which case the console asks
// for them on each connect. Never the settings file.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

#include "ui/session/connection_profile.h"

namespace spillway {

class SecretStore : public QObject {
    Q_OBJECT
public:
    // Called on the GUI thread. secret: nullopt when not found or the keychain failed (problem).
    using ReadDone = std::function<void(std::optional<QString> secret, const QString& problem)>;
    using WriteDone = std::function<void(bool stored, const QString& problem)>;

    using QObject::QObject;
    virtual void read(const QString& key, ReadDone done) = 0;
    virtual void write(const QString& key, const QString& secret, WriteDone done) = 0;
    virtual void remove(const QString& key) = 0;
};

// No keychain: every write "fails", so the profile falls back to asking each time.
class NoSecretStore : public SecretStore {
    Q_OBJECT
public:
    using SecretStore::SecretStore;
    void read(const QString& key, ReadDone done) override;
    void write(const QString& key, const QString& secret, WriteDone done) override;
    void remove(const QString& key) override;
};

// The system keychain when built with qtkeychain, else a NoSecretStore.
std::unique_ptr<SecretStore> make_system_secret_store(QObject* parent = nullptr);
bool built_with_keychain();

// The keychain key of one of a profile's secrets: "<profile>/kafka", "<profile>/kafka_ssl_key",
// "<profile>/postgres" or "<profile>/api_token".
QString secret_key(const QString& profile_name, const char* which);

// Saves the profile without its passwords, and the passwords in the keychain. If the keychain
// cannot take them, the profile is saved to ask each time instead, and `done` says why.
// Passwords left empty on a profile that had them keep the stored ones.
void save_profile(
    ConnectionProfileStore& store, SecretStore& secrets, ConnectionProfile profile,
    const std::function<void(const ConnectionProfile& saved, const QString& note)>& done);

// Asks for a password: nullopt when the person cancelled. `what` is e.g. "PostgreSQL password
// for ingest@db:5432".
using PasswordPrompt = std::function<std::optional<QString>(const QString& what)>;
PasswordPrompt dialog_password_prompt(QWidget* parent);

// Fills the profile's passwords from the keychain, asking (prompt) for any it does not give.
// done(profile, "") when complete, done(nullopt, why) when cancelled.
void resolve_secrets(
    SecretStore& secrets, ConnectionProfile profile, const PasswordPrompt& prompt,
    const std::function<void(std::optional<ConnectionProfile>, const QString&)>& done);

}  // namespace spillway
