/// The text files of a simulated survey: the RACS database CSVs, the per-beam channel
/// weights and the truth table.
enum SurveyTextFiles {
    /// `db/epoch_<N>/field_data.csv`: one row per observation of the epoch plus a failed
    /// one (SBID -1), which readers must drop.
    static func fieldData(layout: SurveyLayout, epoch: Int) -> String {
        var rows = ["FIELD_NAME,SBID,SELECT,SCAN_START,SCAN_TINT,RA_DEG,DEC_DEG,POL_AXIS,COMMENT"]
        for obs in layout.observations where obs.epoch == epoch {
            let field = layout.fields[obs.field]
            let name = SurveyLayout.databaseFieldName(field.name, epoch: epoch)
            rows.append("\(name),\(obs.sbid),1,\(obs.scanStart),\(obs.scanLength),\(field.ra),\(field.dec),0.0,simulated")
        }
        if let first = layout.observations.first(where: { $0.epoch == epoch }) {
            let field = layout.fields[first.field]
            let name = SurveyLayout.databaseFieldName(field.name, epoch: epoch)
            rows.append("\(name),-1,0,\(first.scanStart - 3600),0,\(field.ra),\(field.dec),0.0,failed observation")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// `db/epoch_<N>/beam_inf_<SBID>-<FIELD_NAME>.csv`: beam centres and per-beam PSF.
    static func beamInfo(layout: SurveyLayout, observation: SurveyLayout.Observation,
                         parameters: SurveyParameters) -> String {
        let field = layout.fields[observation.field]
        var rows = ["BEAM_NUM,RA_DEG,DEC_DEG,BEAM_TIME,GAL_LONG,GAL_LAT,PSF_MAJOR,PSF_MINOR,PSF_ANGLE,VIS_TOTAL,VIS_FLAGGED"]
        let psf = parameters.restoringBeam * 3600
        for beam in field.beams {
            let g = SkyMath.galactic(ra: beam.ra, dec: beam.dec)
            rows.append("\(beam.number),\(beam.ra),\(beam.dec),\(observation.scanStart),\(g.l),\(g.b),\(psf),\(psf),0.0,1000000,\(50_000 + 1_000 * beam.number)")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func beamInfoName(layout: SurveyLayout, observation: SurveyLayout.Observation) -> String {
        let name = SurveyLayout.databaseFieldName(layout.fields[observation.field].name, epoch: observation.epoch)
        return "beam_inf_\(observation.sbid)-\(name).csv"
    }

    /// The channel weights file written beside each cube: `# Channel Weight`, then `chan 1/sigma^2`.
    static func weights(sigma: [Double]) -> String {
        var lines = ["# Channel Weight"]
        for (c, s) in sigma.enumerated() { lines.append("\(c) \(1 / (s * s))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `truth.csv`: what was injected, per component.
    /// With `rmIon` (`--ionosphere`), a last column `rm_ion`: the time-averaged ionospheric RM
    /// injected in the component's first observation (epoch 0, its own field), blank if none;
    /// `ionosphere.csv` has every observation's. With Stokes V cubes, a last column `frac_v`:
    /// the injected circular fraction V / I (0 when only noise was written).
    static func truth(sky: SkyModel, parameters: SurveyParameters, rmIon: [Int: Double]? = nil) -> String {
        var rows = ["gaussian_id,source_id,ra,dec,flux,spectral_index,frac_pol,rm,pol_angle,major,minor,pa,ref_freq,isolated"
                    + (rmIon == nil ? "" : ",rm_ion") + (parameters.hasStokesV ? ",frac_v" : "")]
        for (i, c) in sky.components.enumerated() {
            var cells = [c.gaussianID, c.sourceID, "\(c.ra)", "\(c.dec)", "\(c.flux)", "\(c.spectralIndex)",
                         "\(c.fractionalPolarisation)", "\(c.rm)", "\(c.angle)", "\(c.major * 3600)",
                         "\(c.minor * 3600)", "\(c.positionAngle)", "\(parameters.referenceFrequency)",
                         c.isolated ? "1" : "0"]
            if let rmIon { cells.append(rmIon[i].map { "\($0)" } ?? "") }
            if parameters.hasStokesV { cells.append("\(c.circularFraction)") }
            rows.append(cells.joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// `ionosphere.csv`: the injected time-averaged RM_ion of every component in every
    /// observation whose images reach it.
    static func ionosphere(layout: SurveyLayout, sky: SkyModel, model: SurveyIonosphere) -> String {
        var rows = ["epoch,field,sbid,gaussian_id,rm_ion"]
        for (o, obs) in layout.observations.enumerated() {
            for (c, rm) in (model.meanRM[o] ?? [:]).sorted(by: { $0.key < $1.key }) {
                rows.append("\(obs.epoch),\(layout.fields[obs.field].name),\(obs.sbid),\(sky.components[c].gaussianID),\(rm)")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// Units of the truth columns, for the README of a survey.
    static let truthUnits = """
        # truth.csv columns: gaussian_id, source_id; ra, dec (deg); flux: total Stokes I at ref_freq (Jy);
        # spectral_index (S ~ nu^alpha); frac_pol; rm (rad/m^2); pol_angle: intrinsic angle (deg);
        # major, minor: intrinsic FWHM (arcsec, 0 = point source); pa (deg E of N); ref_freq (Hz);
        # isolated: 1 when no other component lies within 3 restoring beams.
        """

    static let truthCircularUnits = """
        # frac_v: the circular polarisation fraction V / I injected in the Stokes V cubes (same sign in every
        # channel and observation; 0 = noise only).
        """

    static let truthIonosphereUnits = """
        # rm_ion: the ionospheric RM (rad/m^2, time average) injected in the component's first observation
        # (epoch 0, its own field); ionosphere.csv has every observation's.
        """
}
