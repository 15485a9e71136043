import HabilisApp

HabilisMain.prepareProcess()
await HabilisMain.run()
