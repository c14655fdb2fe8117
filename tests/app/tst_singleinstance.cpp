// SPDX-License-Identifier: GPL-3.0-or-later
// One batchmon window per user (issue 8): a second SingleInstance hands its file to the first, a socket
// left by a crash is taken over, and garbage on the socket is dropped; then the real batchmon twice,
// the second launch handing its file to the running window and exiting.
#include "ExportCollector.h"
#include "SingleInstance.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <future>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace batchmon;
using namespace std::chrono_literals;

namespace {

/// `start(file)` of a second SingleInstance on a thread of its own: its calls block, and the first
/// needs this thread's event loop to answer.
std::future<SingleInstance::Result> launchAgain(const QString &name, const QString &file)
{
    return std::async(std::launch::async, [name, file] {
        SingleInstance second(name);
        const SingleInstance::Result result = second.start(file, 10000);
        return second.isListening() ? SingleInstance::Result::Failed : result;
    });
}

bool ready(const std::future<SingleInstance::Result> &future)
{
    return future.wait_for(0s) == std::future_status::ready;
}

/// A socket file nobody listens on, as a batchmon killed by a crash leaves it.
bool makeStaleSocket(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray bytes = QFile::encodeName(path);
    if (size_t(bytes.size()) >= sizeof(address.sun_path)) {
        ::close(fd);
        return false;
    }
    std::copy(bytes.begin(), bytes.end(), address.sun_path);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0;
    ::close(fd);
    return bound && QFileInfo::exists(path);
}

} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT

private slots:
    void handOver_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected"); // relative to the current directory
        QTest::newRow("no file: only raise") << QString() << QString();
        QTest::newRow("relative") << QStringLiteral("exports/week.json")
                                  << QStringLiteral("exports/week.json");
        QTest::newRow("dot dot") << QStringLiteral("exports/../week.json") << QStringLiteral("week.json");
    }

    void handOver()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString previous = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        const QString name = dir.filePath(QStringLiteral("batchmon-test"));

        SingleInstance first(name);
        QCOMPARE(first.start(QString()), SingleInstance::Result::Primary);
        QVERIFY(first.isListening());
        QSignalSpy requested(&first, &SingleInstance::activationRequested);

        auto second = launchAgain(name, file);
        QTRY_VERIFY_WITH_TIMEOUT(ready(second), 15000);
        QCOMPARE(second.get(), SingleInstance::Result::Delivered);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.constFirst().constFirst().toString(),
                 expected.isEmpty() ? QString() : dir.filePath(expected));
        QVERIFY(QDir::setCurrent(previous));
    }

    void staleSocketIsTakenOver()
    {
        QTemporaryDir dir;
        const QString name = dir.filePath(QStringLiteral("batchmon-test"));
        QVERIFY(makeStaleSocket(name));
        QLocalSocket probe;
        probe.connectToServer(name);
        QVERIFY(!probe.waitForConnected(1000)); // nobody there

        SingleInstance first(name);
        QCOMPARE(first.start(QString()), SingleInstance::Result::Primary);
        QVERIFY(first.isListening());
        QSignalSpy requested(&first, &SingleInstance::activationRequested);
        auto second = launchAgain(name, QStringLiteral("/tmp/week.json"));
        QTRY_VERIFY_WITH_TIMEOUT(ready(second), 15000);
        QCOMPARE(second.get(), SingleInstance::Result::Delivered);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.constFirst().constFirst().toString(), QStringLiteral("/tmp/week.json"));
    }

    void noAnswerIsFailed()
    {
        // A server that accepts but never answers (a hung batchmon): the launch gives up in time.
        QTemporaryDir dir;
        const QString name = dir.filePath(QStringLiteral("batchmon-test"));
        QLocalServer hung;
        QVERIFY(hung.listen(name));
        SingleInstance second(name);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(second.start(QStringLiteral("/tmp/week.json"), 500), SingleInstance::Result::Failed);
        QVERIFY(clock.elapsed() < 5000);
        QVERIFY(!second.isListening());
        QVERIFY(!second.errorString().isEmpty());
    }

    void garbageIsDropped_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("not JSON") << QByteArray("hello\n");
        QTest::newRow("an array") << QByteArray("[\"/tmp/a.json\"]\n");
        QTest::newRow("file a number") << QByteArray("{\"file\": 42}\n");
        QTest::newRow("relative path") << QByteArray("{\"file\": \"week.json\"}\n");
        QTest::newRow("empty path") << QByteArray("{\"file\": \"\"}\n");
        QTest::newRow("NUL in path") << QByteArray("{\"file\": \"/tmp/a\\u0000b\"}\n");
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x01\n", 5);
        QTest::newRow("over 64 KiB, no newline") << QByteArray(70 * 1024, 'a');
        QTest::newRow("over 64 KiB line")
            << (QByteArray("{\"file\": \"/") + QByteArray(70 * 1024, 'a') + "\"}\n");
        QTest::newRow("no newline, then silence") << QByteArray("{\"file\": \"/tmp/a.json\"}");
    }

    void garbageIsDropped()
    {
        QFETCH(QByteArray, bytes);
        QTemporaryDir dir;
        const QString name = dir.filePath(QStringLiteral("batchmon-test"));
        SingleInstance first(name);
        first.setReadTimeout(300);
        QCOMPARE(first.start(QString()), SingleInstance::Result::Primary);
        QSignalSpy requested(&first, &SingleInstance::activationRequested);

        QLocalSocket socket;
        socket.connectToServer(name);
        QVERIFY(socket.waitForConnected(2000));
        socket.write(bytes);
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QLocalSocket::UnconnectedState, 5000);
        QCOMPARE(socket.readAll(), QByteArray()); // no answer
        QCOMPARE(requested.size(), 0);

        // And the running instance still takes a good request.
        auto second = launchAgain(name, QStringLiteral("/tmp/week.json"));
        QTRY_VERIFY_WITH_TIMEOUT(ready(second), 15000);
        QCOMPARE(second.get(), SingleInstance::Result::Delivered);
        QCOMPARE(requested.size(), 1);
    }

    void parseRequest_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("file");
        QTest::newRow("raise only") << QByteArray("{}\n") << true << QString();
        QTest::newRow("null file") << QByteArray("{\"file\":null}\n") << true << QString();
        QTest::newRow("file") << QByteArray("{\"file\":\"/a/b.json\"}\n") << true
                              << QStringLiteral("/a/b.json");
        QTest::newRow("cleaned") << QByteArray("{\"file\":\"/a/./c/../b.json\"}\n") << true
                                 << QStringLiteral("/a/b.json");
        QTest::newRow("unknown keys ignored")
            << QByteArray("{\"file\":\"/b.json\",\"v\":2}\n") << true << QStringLiteral("/b.json");
        QTest::newRow("no newline") << QByteArray("{}") << false << QString();
        QTest::newRow("two objects") << QByteArray("{}{}\n") << false << QString();
        QTest::newRow("string") << QByteArray("\"/a.json\"\n") << false << QString();
        QTest::newRow("file a list") << QByteArray("{\"file\":[\"/a.json\"]}\n") << false << QString();
    }

    void parseRequest()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, ok);
        QFETCH(QString, file);
        const SingleInstance::Request request = SingleInstance::parseRequest(line);
        QCOMPARE(request.ok, ok);
        QCOMPARE(request.file, file);
    }

    void secondLaunchOfTheApp()
    {
        QTemporaryDir dir;
        QDir root(dir.path());
        for (const char *sub : {"home", "config", "data", "cache", "runtime", "exports"})
            QVERIFY(root.mkpath(QLatin1String(sub)));
        // The runtime folder is the user's alone (XDG base directory spec; Qt warns otherwise).
        QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("runtime")), QFileDevice::ReadOwner |
                                                                                   QFileDevice::WriteOwner |
                                                                                   QFileDevice::ExeOwner));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), dir.filePath(QStringLiteral("home")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.filePath(QStringLiteral("runtime")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

        const QString exportPath = dir.filePath(QStringLiteral("exports/week.json"));
        MonitoringSnapshot snapshot;
        snapshot.timeRange = TimeRange::LastWeek;
        snapshot.generatedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 30), Qt::UTC);
        ExportHeader header;
        header.exportedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 31), Qt::UTC);
        header.source = QStringLiteral("production");
        header.timeRange = TimeRange::LastWeek;
        QCOMPARE(ExportCollector::writeFile(exportPath, ExportFormat::Json, header, snapshot), QString());

        // --help names the opt-out.
        QProcess help;
        help.setProcessEnvironment(env);
        help.start(QStringLiteral(BATCHMON_APP_BINARY), {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(30000));
        QVERIFY(help.readAllStandardOutput().contains("--new-instance"));

        QProcess first;
        first.setProcessEnvironment(env);
        first.setProcessChannelMode(QProcess::ForwardedChannels);
        first.start(QStringLiteral(BATCHMON_APP_BINARY), QStringList());
        QVERIFY(first.waitForStarted());
        const auto stop = qScopeGuard([&first] {
            first.kill();
            first.waitForFinished();
        });
        const QString socket = dir.filePath(QStringLiteral("runtime/batchmon-%1").arg(::getuid()));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(socket), 60000);

        // `batchmon week.json` from the exports folder: the path is made absolute there.
        QProcess second;
        second.setProcessEnvironment(env);
        second.setWorkingDirectory(dir.filePath(QStringLiteral("exports")));
        QElapsedTimer clock;
        clock.start();
        second.start(QStringLiteral(BATCHMON_APP_BINARY), {QStringLiteral("week.json")});
        QVERIFY(second.waitForFinished(30000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QVERIFY2(second.exitCode() == 0, second.readAllStandardError().constData());
        qInfo("the second launch exited in %lld ms", qint64(clock.elapsed()));
        QCOMPARE(first.state(), QProcess::Running);

        // The first window opened it: it is its newest recent file.
        const QString settings = dir.filePath(QStringLiteral("config/batchmon/batchmon.conf"));
        const auto newestRecent = [&settings] {
            return QSettings(settings, QSettings::IniFormat)
                .value(QStringLiteral("recentFiles"))
                .toStringList()
                .value(0);
        };
        QTRY_COMPARE_WITH_TIMEOUT(newestRecent(), exportPath, 60000);
    }
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
