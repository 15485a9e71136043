import HabilisApp

await HabilisMain.run()
