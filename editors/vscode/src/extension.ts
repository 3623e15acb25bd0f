// The fab extension: the `.fab` language, its TextMate grammar (package.json), and a client that
// starts `fab lsp` and hands it every `.fab` document. Everything else — diagnostics, hover,
// completion, navigation, formatting — comes from the language server.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function createClient(): LanguageClient {
  const config = vscode.workspace.getConfiguration("fab");
  const command = config.get<string>("server.path", "fab");
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "fab" },
      { scheme: "untitled", language: "fab" },
    ],
    initializationOptions: {
      diagnosticsDelay: config.get<number>("diagnostics.delay", 10),
    },
    // Files that are not open but imported by open ones, and the data files models read: the
    // server rereads them when they change.
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/*.fab"),
        vscode.workspace.createFileSystemWatcher("**/*.csv"),
      ],
    },
  };
  return new LanguageClient("fab", "fab language server", serverOptions, clientOptions);
}

async function start(): Promise<void> {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration("fab").get<string>("server.path", "fab");
    void vscode.window.showErrorMessage(
      `Could not start the fab language server (\`${path} lsp\`): ${error}. ` +
        "Install fab, or set `fab.server.path` to the fab executable.",
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("fab.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("fab.server") || event.affectsConfiguration("fab.diagnostics")) {
        await vscode.commands.executeCommand("fab.restartServer");
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
