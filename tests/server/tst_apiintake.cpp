// SPDX-License-Identifier: GPL-3.0-or-later
// The intake of docs/api.md §18 through ApiService in-process: the producer role (and only it and the
// admin) submits and reads requests, bodies are checked whole with the path of what is wrong,
// submission is idempotent on customId, and a request's outcome reads back as the pipeline recorded it.
#include "ApiService.h"
#include "StoreTestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);

struct Reply
{
    int status = 0;
    QJsonObject body;

    QJsonObject data() const { return body.value(QStringLiteral("data")).toObject(); }
    QJsonObject error() const { return body.value(QStringLiteral("error")).toObject(); }
};

QByteArray submission(const QStringList &ids, const QString &content = QStringLiteral("hello"))
{
    QJsonArray list;
    for (const QString &id : ids)
        list.append(
            QJsonObject{{QStringLiteral("customId"), id},
                        {QStringLiteral("jobType"), QStringLiteral("summarization")},
                        {QStringLiteral("model"), QStringLiteral("gpt-4o-mini")},
                        {QStringLiteral("body"),
                         QJsonObject{{QStringLiteral("messages"),
                                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                             {QStringLiteral("content"), content}}}}}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("requests"), list}}).toJson(QJsonDocument::Compact);
}

} // namespace

class TestApiIntake : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<RateLimiter> m_limiter;
    std::unique_ptr<ApiService> m_service;
    QString m_admin;
    QString m_viewer;
    QString m_producer;

    Reply call(const QByteArray &method, const QString &path, const QString &token,
               const QByteArray &body = {})
    {
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.headers.insert("authorization", "Bearer " + token.toUtf8());
        r.body = body;
        r.clientAddress = QStringLiteral("127.0.0.1");
        const HttpResponse response = m_service->handle(r);
        return {response.status, QJsonDocument::fromJson(response.body).object()};
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_db = openTestStore(QStringLiteral("sqlite"), *m_dir);
        m_tokens = std::make_unique<TokenStore>(*m_db);
        m_limiter = std::make_unique<RateLimiter>(0);
        m_admin = m_tokens->add(QStringLiteral("alice"), Role::Admin, kNow).value();
        m_viewer = m_tokens->add(QStringLiteral("wally"), Role::Viewer, kNow).value();
        m_producer = m_tokens->add(QStringLiteral("reports-app"), Role::Producer, kNow).value();
        ServiceContext context;
        context.clock = [] {
            return kNow;
        };
        m_service = std::make_unique<ApiService>(*m_db, *m_tokens, *m_limiter, context);
    }
    void cleanup()
    {
        m_service.reset();
        m_tokens.reset();
        m_db.reset();
        m_dir.reset();
    }

    void submitAndReadBack()
    {
        const Reply r = call("POST", QStringLiteral("/api/batch-requests"), m_producer,
                             submission({QStringLiteral("doc-1"), QStringLiteral("doc-2")}));
        QCOMPARE(r.status, 202);
        QCOMPARE(r.data().value(QStringLiteral("created")).toInt(), 2);
        QCOMPARE(r.data().value(QStringLiteral("existing")).toInt(), 0);
        const QJsonObject first = r.data().value(QStringLiteral("requests")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("customId")).toString(), QStringLiteral("doc-1"));
        QCOMPARE(first.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(first.value(QStringLiteral("url")).toString(), QStringLiteral("/v1/chat/completions"));
        QCOMPARE(first.value(QStringLiteral("receivedAt")).toString(),
                 QStringLiteral("2026-11-29T09:00:00Z"));
        QVERIFY(first.value(QStringLiteral("jobId")).isNull());
        QVERIFY(first.value(QStringLiteral("response")).isNull());

        // The body went in with its model, as the endpoint needs it.
        auto stored = RequestStore(*m_db).find(QStringLiteral("doc-1")).value().value();
        QCOMPARE(
            QJsonDocument::fromJson(stored.request.body).object().value(QStringLiteral("model")).toString(),
            QStringLiteral("gpt-4o-mini"));
        QCOMPARE(stored.producer, QStringLiteral("reports-app"));

        // Idempotent: the same POST again is 200 and stores nothing new.
        const Reply again = call("POST", QStringLiteral("/api/batch-requests"), m_producer,
                                 submission({QStringLiteral("doc-1"), QStringLiteral("doc-2")}));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.data().value(QStringLiteral("created")).toInt(), 0);
        QCOMPARE(again.data().value(QStringLiteral("existing")).toInt(), 2);
        // Other content under a used id is refused, and nothing of that POST is stored.
        const Reply conflict =
            call("POST", QStringLiteral("/api/batch-requests"), m_producer,
                 submission({QStringLiteral("doc-3"), QStringLiteral("doc-1")}, QStringLiteral("other")));
        QCOMPARE(conflict.status, 409);
        QCOMPARE(conflict.error().value(QStringLiteral("code")).toString(), QStringLiteral("conflict"));
        QVERIFY(
            conflict.error().value(QStringLiteral("message")).toString().contains(QStringLiteral("doc-1")));
        QCOMPARE(call("GET", QStringLiteral("/api/batch-requests/doc-3"), m_producer).status, 404);

        // The pipeline recorded an outcome: it reads back with the response body and usage.
        RequestStore store(*m_db);
        QVERIFY(store.assign({QStringLiteral("summarization"), QStringLiteral("gpt-4o-mini"),
                              QStringLiteral("/v1/chat/completions"), 2, QDateTime()},
                             2, QStringLiteral("batch-job-7")));
        QVERIFY(store.recordOutcomes(
            QStringLiteral("batch-job-7"),
            {{QStringLiteral("doc-1"), RequestState::Completed, 200,
              R"({"choices":[{"message":{"content":"hi"}}]})", QString(), QString(), 12, 3},
             {QStringLiteral("doc-2"), RequestState::Failed, 400,
              R"({"error":{"code":"context_length_exceeded"}})", QStringLiteral("context_length_exceeded"),
              QStringLiteral("too long"), 0, 0}},
            RequestState::Failed, QString(), kNow.addSecs(600)));
        const Reply done = call("GET", QStringLiteral("/api/batch-requests/doc-1"), m_producer);
        QCOMPARE(done.status, 200);
        QCOMPARE(done.data().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(done.data().value(QStringLiteral("jobId")).toString(), QStringLiteral("batch-job-7"));
        QCOMPARE(done.data().value(QStringLiteral("finishedAt")).toString(),
                 QStringLiteral("2026-11-29T09:10:00Z"));
        const QJsonObject response = done.data().value(QStringLiteral("response")).toObject();
        QCOMPARE(response.value(QStringLiteral("statusCode")).toInt(), 200);
        QCOMPARE(response.value(QStringLiteral("body"))
                     .toObject()
                     .value(QStringLiteral("choices"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toObject()
                     .value(QStringLiteral("content"))
                     .toString(),
                 QStringLiteral("hi"));
        QCOMPARE(done.data()
                     .value(QStringLiteral("usage"))
                     .toObject()
                     .value(QStringLiteral("inputTokens"))
                     .toInt(),
                 12);
        const Reply failed = call("GET", QStringLiteral("/api/batch-requests/doc-2"), m_admin);
        QCOMPARE(failed.data().value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QVERIFY(failed.data().value(QStringLiteral("usage")).isNull()); // it used no tokens
        QCOMPARE(
            failed.data().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
            QStringLiteral("context_length_exceeded"));
    }

    void rolesKeepToTheirSide()
    {
        // A viewer reads the dashboard, not the producers' requests; a producer only the intake.
        const Reply viewer = call("POST", QStringLiteral("/api/batch-requests"), m_viewer,
                                  submission({QStringLiteral("doc-1")}));
        QCOMPARE(viewer.status, 403);
        QVERIFY(viewer.error()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("producer or admin")));
        QCOMPARE(call("GET", QStringLiteral("/api/batch-requests/doc-1"), m_viewer).status, 403);
        const Reply producer = call("GET", QStringLiteral("/api/admin/batch-monitoring"), m_producer);
        QCOMPARE(producer.status, 403);
        QVERIFY(producer.error()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("the producer role may only submit and read requests")));
        QCOMPARE(
            call("POST", QStringLiteral("/api/batch-requests"), m_admin, submission({QStringLiteral("a")}))
                .status,
            202);
        QCOMPARE(call("GET", QStringLiteral("/api/batch-requests"), m_producer).status, 405);
        QCOMPARE(call("POST", QStringLiteral("/api/batch-requests"), QStringLiteral("nope"),
                      submission({QStringLiteral("b")}))
                     .status,
                 401);
    }

    void refusedBodiesNameThePath_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("path");
        QTest::newRow("not json") << QByteArray("{") << "$";
        QTest::newRow("no list") << QByteArray(R"({"request":[]})") << "request";
        QTest::newRow("empty") << QByteArray(R"({"requests":[]})") << "requests";
        QTest::newRow("bad id")
            << QByteArray(R"({"requests":[{"customId":"a/b","jobType":"x","model":"m","body":{}}]})")
            << "requests[0].customId";
        QTest::newRow("twice") << QByteArray(
                                      R"({"requests":[{"customId":"a","jobType":"x","model":"m","body":{}},)"
                                      R"({"customId":"a","jobType":"x","model":"m","body":{}}]})")
                               << "requests[1].customId";
        QTest::newRow("no body") << QByteArray(R"({"requests":[{"customId":"a","jobType":"x","model":"m"}]})")
                                 << "requests[0].body";
        QTest::newRow("no model") << QByteArray(R"({"requests":[{"customId":"a","jobType":"x","body":{}}]})")
                                  << "requests[0].model";
        QTest::newRow("models differ")
            << QByteArray(R"({"requests":[{"customId":"a","jobType":"x","model":"m","body":{"model":"n"}}]})")
            << "requests[0].body.model";
        QTest::newRow("endpoint")
            << QByteArray(
                   R"({"requests":[{"customId":"a","jobType":"x","model":"m","url":"/v1/images","body":{}}]})")
            << "requests[0].url";
        QTest::newRow("unknown field")
            << QByteArray(R"({"requests":[{"customId":"a","jobType":"x","model":"m","body":{},"prio":1}]})")
            << "requests[0].prio";
    }
    void refusedBodiesNameThePath()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, path);
        const Reply r = call("POST", QStringLiteral("/api/batch-requests"), m_producer, body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_body"));
        QCOMPARE(r.error().value(QStringLiteral("parameter")).toString(), path);
        QVERIFY2(
            r.error().value(QStringLiteral("message")).toString().startsWith(path + QStringLiteral(": ")),
            qPrintable(r.error().value(QStringLiteral("message")).toString()));
        // Nothing of a refused body is stored.
        QCOMPARE(RequestStore(*m_db).waitingGroups().value().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestApiIntake)
#include "tst_apiintake.moc"
