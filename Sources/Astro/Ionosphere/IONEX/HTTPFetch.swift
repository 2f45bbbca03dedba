import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One blocking HTTP(S)/FTP GET through URLSession, for callers that are not async (the IONEX
/// download runs inside synchronous pipeline steps).
enum HTTPFetch {
    struct Failure: Error {
        var message: String
        /// Whether trying again may help (network trouble, 5xx, 408, 429), or not (404 and the like).
        var retryable: Bool
    }

    /// The body of a 200 response; anything else is a failure saying why.
    static func get(_ url: URL, timeout: Double) -> Result<Data, Failure> {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        let task = session.dataTask(with: request) { data, response, error in
            box.set(outcome(data: data, response: response, error: error, timeout: timeout))
            done.signal()
        }
        task.resume()
        // URLSession enforces the timeout; the margin here only guards against a lost callback.
        if done.wait(timeout: .now() + timeout + 10) == .timedOut {
            task.cancel()
            return .failure(Failure(message: "no answer within \(timeout) s", retryable: true))
        }
        return box.get() ?? .failure(Failure(message: "no result from URLSession", retryable: true))
    }

    private static func outcome(data: Data?, response: URLResponse?, error: (any Error)?,
                                timeout: Double) -> Result<Data, Failure> {
        if let error {
            let code = (error as NSError).code
            if code == NSURLErrorTimedOut {
                return .failure(Failure(message: "timed out after \(timeout) s", retryable: true))
            }
            return .failure(Failure(message: error.localizedDescription + " (URL error \(code))", retryable: true))
        }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            let status = http.statusCode
            let retryable = status >= 500 || status == 408 || status == 429
            return .failure(Failure(message: "HTTP status \(status) (\(HTTPURLResponse.localizedString(forStatusCode: status)))",
                                    retryable: retryable))
        }
        guard let data, !data.isEmpty else {
            return .failure(Failure(message: "empty response", retryable: true))
        }
        return .success(data)
    }

    /// Hands the completion handler's result to the waiting thread.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<Data, Failure>?

        func set(_ value: Result<Data, Failure>) {
            lock.lock()
            result = value
            lock.unlock()
        }

        func get() -> Result<Data, Failure>? {
            lock.lock()
            defer { lock.unlock() }
            return result
        }
    }
}
