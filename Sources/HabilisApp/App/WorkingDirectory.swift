import Foundation

/// What the binary still reads from disk: the stylesheet and script under `Public/`, the API's contract, and the
/// common-passwords list.
/// Started away from them, it refuses to start instead of serving pages without style or accepting any password.
enum WorkingDirectory {
    static let requiredFiles = [
        "Public/static/habilis.css", "Public/static/session.js", APIController.contractFile,
        "Resources/Security/common-passwords.txt",
    ]

    static func check(_ directory: String) throws {
        let missing = requiredFiles.filter { !FileManager.default.isReadableFile(atPath: directory + "/" + $0) }
        guard !missing.isEmpty else { return }
        throw SettingsError(problems: [
            "\(missing.joined(separator: ", ")) not found under \(directory): start Habilis from its repository "
                + "or set HABILIS_WORKING_DIRECTORY to the folder that holds Public/ and Resources/"
        ])
    }
}
